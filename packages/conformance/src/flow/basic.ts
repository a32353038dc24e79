import { checkBytes } from '../support/assert.js';
import { expectOk, receiveExactly, task, write } from '../support/ops.js';
import { chunk, KiB, MiB, pattern } from '../support/pattern.js';
import { remaining } from '../support/timing.js';
import { closeBoth, sendThenClose } from '../support/transfer.js';
import type { FlowCase, FlowCaseContext, FlowTopic } from '../support/types.js';

function sizeLabel(n: number): string {
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  if (n >= KiB && n % KiB === 0) return `${n / KiB} KiB`;
  return `${n} B`;
}

function oneWay(
  id: string,
  total: number,
  sizes: readonly number[],
  direction: 'a-to-b' | 'b-to-a',
): FlowCase {
  const sizeText =
    sizes.length === 1
      ? `${sizeLabel(sizes[0] ?? 1)} chunks`
      : `chunks of ${sizes.map(sizeLabel).join(', ')}`;
  const dirText = direction === 'a-to-b' ? 'dialer → acceptor' : 'acceptor → dialer';
  return {
    id,
    name: `${sizeLabel(total)} in ${sizeText}, ${dirText}: byte-exact, in order, then EOF`,
    run: (ctx) =>
      ctx.withPair(async (a, b) => {
        const data = pattern(total, total + sizes.length);
        const [writer, reader] = direction === 'a-to-b' ? [a, b] : [b, a];
        await sendThenClose(ctx, writer, reader, chunk(data, sizes), data, id);
      }),
  };
}

/** Deterministic message sizes for ping-pong: 1…`max` bytes. */
function messageSize(round: number, max: number): number {
  return 1 + ((round * 37 + 11) % max);
}

async function pingPong(ctx: FlowCaseContext, rounds: number, maxSize: number, what: string): Promise<void> {
  await ctx.withPair(async (a, b) => {
    const deadline = Date.now() + ctx.transferTimeoutMs;
    const echo = task(async () => {
      for (let i = 0; i < rounds; i++) {
        const n = messageSize(i, maxSize);
        const got = await receiveExactly(b, n, { what: `${what}: echo round ${i}`, deadline });
        expectOk(
          await write(b, got, `${what}: echo write round ${i}`, remaining(deadline)),
          `${what}: echo write round ${i}`,
        );
      }
    });
    const ping = task(async () => {
      for (let i = 0; i < rounds; i++) {
        const n = messageSize(i, maxSize);
        const msg = pattern(n, i);
        expectOk(
          await write(a, msg, `${what}: ping write round ${i}`, remaining(deadline)),
          `${what}: ping write round ${i}`,
        );
        const back = await receiveExactly(a, n, { what: `${what}: pong round ${i}`, deadline });
        checkBytes(back, pattern(n, i), `${what}: round ${i} echo`);
      }
    });
    await Promise.all([echo, ping]);
    await closeBoth(ctx, a, b, what);
  });
}

/** Basic I/O: MiBs in many chunk sizes, both directions, and ping-pong. */
export const basicTopic: FlowTopic = {
  id: 'basic',
  title: 'basic I/O',
  cases: [
    oneWay('1mib-1kib-a-to-b', MiB, [KiB], 'a-to-b'),
    oneWay('1mib-1kib-b-to-a', MiB, [KiB], 'b-to-a'),
    oneWay('chunks-1b', 16 * KiB, [1], 'a-to-b'),
    oneWay('chunks-7b', 64 * KiB, [7], 'b-to-a'),
    oneWay('chunks-100b', 256 * KiB, [100], 'a-to-b'),
    oneWay('chunks-4kib', MiB, [4 * KiB], 'b-to-a'),
    oneWay('chunks-64kib', 2 * MiB, [64 * KiB], 'a-to-b'),
    oneWay('chunks-256kib', 2 * MiB, [256 * KiB], 'b-to-a'),
    oneWay('chunks-mixed', 2 * MiB, [1, 3, 17, 256, KiB, 4 * KiB, 16 * KiB, 64 * KiB, 256 * KiB], 'a-to-b'),
    {
      id: 'ping-pong-1000',
      name: '1000 ping-pong rounds of 1 byte, each waiting for its echo',
      run: (ctx) => pingPong(ctx, 1000, 1, 'ping-pong-1000'),
    },
    {
      id: 'ping-pong-sizes',
      name: '300 ping-pong rounds of 1–200 byte messages, reassembled across split or merged reads',
      run: (ctx) => pingPong(ctx, 300, 200, 'ping-pong-sizes'),
    },
  ],
};
