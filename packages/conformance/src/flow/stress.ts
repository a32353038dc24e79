import type { Flow } from '@flowkit/flow-types';
import { checkBytes, concat } from '../support/assert.js';
import { expectOk, receiveExactly, startWrite, task } from '../support/ops.js';
import { pattern } from '../support/pattern.js';
import { remaining, withTimeout } from '../support/timing.js';
import { closeBoth, echoChecked } from '../support/transfer.js';
import type { FlowCase, FlowCaseContext, FlowTopic } from '../support/types.js';

/** At most this many pairs are open at once, so 1000 flows stay within a process's file limit. */
const OPEN_AT_ONCE = 100;

/** Message `m` of flow `f`: 8–71 bytes, distinct per flow and message. */
function message(f: number, m: number): Uint8Array {
  return pattern(8 + ((f * 31 + m * 17) % 64), f * 1000 + m);
}

/**
 * One flow of a stress run: the dialer sends `count` messages, the acceptor
 * checks each against what THIS flow's dialer sent (so crossed pairs are
 * caught) and echoes it; the dialer checks the echo, then both close.
 */
async function exchangeMessages(
  ctx: FlowCaseContext,
  a: Flow,
  b: Flow,
  f: number,
  count: number,
  deadline: number,
): Promise<void> {
  const what = `flow ${f}`;
  const all = concat(Array.from({ length: count }, (_, m) => message(f, m)));
  // The acceptor checks what it gets against what THIS flow's dialer sent.
  const echo = task(() => echoChecked(b, all, `${what}: acceptor`, deadline));
  const dialer = task(async () => {
    const sends = Array.from({ length: count }, (_, m) =>
      startWrite(a, message(f, m), `${what}: message ${m}`),
    );
    checkBytes(
      await receiveExactly(a, all.length, { what: `${what}: dialer reads the echoes`, deadline }),
      all,
      `${what}: echoes`,
    );
    for (const [m, s] of sends.entries())
      expectOk(await withTimeout(s, remaining(deadline), `${what}: message ${m}`), `${what}: message ${m}`);
  });
  await Promise.all([echo, dialer]);
  await closeBoth(ctx, a, b, what);
}

function streams(flows: number, count: number): FlowCase {
  const batched = flows > OPEN_AT_ONCE;
  return {
    flows,
    id: `flows-${flows}-messages-${count}`,
    name:
      `${flows} flow${flows === 1 ? '' : 's'} × ${count} message${count === 1 ? '' : 's'}, echoed and checked per flow` +
      (batched ? ` (at most ${OPEN_AT_ONCE} open at once)` : ', all at once'),
    run: async (ctx) => {
      for (let start = 0; start < flows; start += OPEN_AT_ONCE) {
        // Each batch gets the transfer time; the case's timeout bounds them all.
        const deadline = Date.now() + ctx.transferTimeoutMs;
        const batch = Array.from({ length: Math.min(OPEN_AT_ONCE, flows - start) }, (_, i) => start + i);
        await ctx.withPairs(batch.length, (pairs) =>
          Promise.all(
            pairs.map(([a, b], i) => task(() => exchangeMessages(ctx, a, b, batch[i]!, count, deadline))),
          ),
        );
      }
    },
  };
}

/** Many flows at once, and many messages on one flow (libp2p's stream-muxer stress). */
export const stressTopic: FlowTopic = {
  id: 'stress',
  title: 'stress',
  cases: [
    streams(1, 1),
    streams(1, 10),
    streams(1, 100),
    streams(10, 1),
    streams(10, 10),
    streams(10, 100),
    streams(100, 1),
    streams(100, 10),
    streams(100, 100),
    streams(1000, 1),
    {
      id: 'small-messages-both-ways',
      name: '10,000 small messages (1–16 bytes) each way at the same time, byte-exact in both directions',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const deadline = Date.now() + ctx.transferTimeoutMs;
          const side = async (from: Flow, to: Flow, seed: number, what: string): Promise<void> => {
            const msgs = Array.from({ length: 10_000 }, (_, i) =>
              pattern(1 + ((i * 7 + seed) % 16), seed * 100_000 + i),
            );
            const expected = concat(msgs);
            const sending = task(async () => {
              // Batches of 100 unawaited writes: many in flight, memory bounded.
              for (let i = 0; i < msgs.length; i += 100) {
                const batch = msgs
                  .slice(i, i + 100)
                  .map((m, j) => startWrite(from, m, `${what}: message ${i + j}`));
                for (const [j, w] of batch.entries())
                  expectOk(
                    await withTimeout(w, remaining(deadline), `${what}: message ${i + j}`),
                    `${what}: message ${i + j}`,
                  );
              }
            });
            checkBytes(
              await receiveExactly(to, expected.length, { what: `${what}: reader`, deadline }),
              expected,
              what,
            );
            await sending;
          };
          await Promise.all([side(a, b, 1, 'dialer → acceptor'), side(b, a, 2, 'acceptor → dialer')]);
          await closeBoth(ctx, a, b, 'after 10,000 messages each way');
        }),
    },
  ],
};
