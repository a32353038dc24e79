import type { Flow } from '@flowkit/flow-types';
import { check, checkBytes } from '../support/assert.js';
import {
  expectClosed,
  expectEof,
  read,
  readUntilEof,
  receiveExactly,
  startClose,
  task,
  write,
  writeAll,
} from '../support/ops.js';
import { chunk, KiB, pattern } from '../support/pattern.js';
import { settlesWithin, withTimeout } from '../support/timing.js';
import type { FlowCase, FlowCaseContext, FlowTopic } from '../support/types.js';

async function halfClose(ctx: FlowCaseContext, first: Flow, second: Flow, what: string): Promise<void> {
  const deadline = Date.now() + ctx.transferTimeoutMs;
  const request = pattern(64 * KiB, 1);
  const reply = pattern(32 * KiB, 2);
  // The first end sends, then half-closes without waiting.
  const sending = task(async () => {
    await writeAll(first, chunk(request, [8 * KiB]), { what: `${what}: first end writes`, deadline });
    return { closing: startClose(first, `${what}: first end close()`) };
  });
  const got = await readUntilEof(second, request.length, {
    what: `${what}: second end reads until EOF`,
    deadline,
  });
  const { closing: firstClose } = await sending;
  checkBytes(got, request, `${what}: data before EOF`);
  expectEof(
    await read(second, `${what}: second end read after EOF`, ctx.opTimeoutMs),
    `${what}: second end read after EOF`,
  );
  expectClosed(
    await write(first, new Uint8Array([1]), `${what}: first end write after close()`, ctx.opTimeoutMs),
    `${what}: first end write after close()`,
  );
  // The second end can still talk, and the half-closed end still reads.
  const replying = task(() =>
    writeAll(second, chunk(reply, [4 * KiB]), { what: `${what}: second end replies`, deadline }),
  );
  const back = await receiveExactly(first, reply.length, {
    what: `${what}: half-closed end reads the reply`,
    deadline,
  });
  await replying;
  checkBytes(back, reply, `${what}: reply after half-close`);
  const early = await settlesWithin(firstClose, 50);
  check(!early.settled, `${what}: close() resolved before the remote closed`);
  const secondClose = startClose(second, `${what}: second end close()`);
  await withTimeout(firstClose, ctx.opTimeoutMs, `${what}: first end close() after the remote closed`);
  await withTimeout(secondClose, ctx.opTimeoutMs, `${what}: second end close()`);
  expectEof(
    await read(first, `${what}: first end read after both closed`, ctx.opTimeoutMs),
    `${what}: first end read after both closed`,
  );
}

const halfCloseCases: readonly FlowCase[] = [
  {
    id: 'dialer-closes-first',
    name: 'dialer half-closes: acceptor reads all then EOF, still writes, dialer reads it, close resolves after the acceptor closes',
    requires: 'halfClose',
    run: (ctx) => ctx.withPair((a, b) => halfClose(ctx, a, b, 'dialer-closes-first')),
  },
  {
    id: 'acceptor-closes-first',
    name: 'acceptor half-closes: dialer reads all then EOF, still writes, acceptor reads it, close resolves after the dialer closes',
    requires: 'halfClose',
    run: (ctx) => ctx.withPair((a, b) => halfClose(ctx, b, a, 'acceptor-closes-first')),
  },
  {
    id: 'simultaneous-close',
    name: 'both ends write then close at once: each reads the other’s data then EOF',
    requires: 'halfClose',
    run: (ctx) =>
      ctx.withPair(async (a, b) => {
        const deadline = Date.now() + ctx.transferTimeoutMs;
        const ab = pattern(48 * KiB, 3);
        const ba = pattern(40 * KiB, 4);
        const side = async (self: Flow, out: Uint8Array, expected: Uint8Array, what: string) => {
          const sending = task(async () => {
            await writeAll(self, chunk(out, [3 * KiB]), { what: `${what} writes`, deadline });
            return { closing: startClose(self, `${what} close()`) };
          });
          const got = await readUntilEof(self, expected.length, {
            what: `${what} reads until EOF`,
            deadline,
          });
          checkBytes(got, expected, `${what}: received`);
          const { closing } = await sending;
          await withTimeout(closing, ctx.opTimeoutMs, `${what} close()`);
        };
        await Promise.all([side(a, ab, ba, 'dialer'), side(b, ba, ab, 'acceptor')]);
      }),
  },
];

/** Half-close in both directions (capability `halfClose`). */
export const halfCloseTopic: FlowTopic = { id: 'half-close', title: 'half-close', cases: halfCloseCases };
