import { expectOk } from '../support/ops.js';
import { KiB, pattern } from '../support/pattern.js';
import { fillUntilStall, readAndVerify } from '../support/stall.js';
import { remaining, withTimeout } from '../support/timing.js';
import { closeBoth, sendExactly } from '../support/transfer.js';
import type { FlowTopic } from '../support/types.js';

/** Backpressure with bounded memory (capability `backpressure`). */
export const backpressureTopic: FlowTopic = {
  id: 'backpressure',
  title: 'backpressure',
  cases: [
    {
      id: 'writer-stalls-then-drains',
      name: 'a writer whose peer does not read stalls before 64 MiB; after draining every byte arrives and the stalled write completes',
      requires: 'backpressure',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const deadline = Date.now() + ctx.transferTimeoutMs;
          const stall = await fillUntilStall(a, 41, deadline);
          const total = stall.accepted + stall.stalledSize;
          await Promise.all([
            readAndVerify(b, total, 41, deadline),
            withTimeout(
              stall.stalled,
              remaining(deadline),
              'the stalled write after the reader drained',
            ).then((r) => expectOk(r, 'the stalled write after the reader drained')),
          ]);
          // The flow goes on working after a stall.
          await sendExactly(ctx, a, b, [pattern(4 * KiB, 42)], pattern(4 * KiB, 42), 'write after the stall');
          await closeBoth(ctx, a, b, 'after the stall');
        }),
    },
    {
      id: 'stall-is-one-way',
      name: 'a stalled direction does not block the other: the stalled writer can still read',
      requires: 'backpressure',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const deadline = Date.now() + ctx.transferTimeoutMs;
          const stall = await fillUntilStall(a, 43, deadline);
          await sendExactly(
            ctx,
            b,
            a,
            [pattern(16 * KiB, 44)],
            pattern(16 * KiB, 44),
            'reverse direction during a stall',
          );
          await Promise.all([
            readAndVerify(b, stall.accepted + stall.stalledSize, 43, deadline),
            withTimeout(stall.stalled, remaining(deadline), 'the stalled write').then((r) =>
              expectOk(r, 'the stalled write'),
            ),
          ]);
        }),
    },
  ],
};
