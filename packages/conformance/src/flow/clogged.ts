import { check, describeValue, fail } from '../support/assert.js';
import { abort, expectEof, read, startClose, startCloseWrite } from '../support/ops.js';
import { fillUntilStall, readAndVerify, STALL_CHUNK } from '../support/stall.js';
import { settlesWithin, withTimeout } from '../support/timing.js';
import type { FlowTopic } from '../support/types.js';

/**
 * Trio's clogged-stream checks: a writer blocked because nobody reads (the
 * clog comes from {@link fillUntilStall}, so any transport with backpressure
 * can be clogged) must still be closable, abortable and flushable.
 */
export const cloggedTopic: FlowTopic = {
  id: 'clogged',
  title: 'clogged streams',
  cases: [
    {
      id: 'close-signal-unclogs',
      name: 'close({ signal }) on a clogged writer resolves when the signal fires, and the stalled write fails',
      requires: 'backpressure',
      run: (ctx) =>
        ctx.withPair(async (a) => {
          const stall = await fillUntilStall(a, 970, Date.now() + ctx.transferTimeoutMs);
          await withTimeout(
            startClose(a, 'close({ signal: AbortSignal.timeout(100) }) on a clogged flow', {
              signal: AbortSignal.timeout(100),
            }),
            ctx.opTimeoutMs,
            'close({ signal }) on a clogged flow',
          );
          const w = await withTimeout(
            stall.stalled,
            ctx.opTimeoutMs,
            'the stalled write after the close was cut short',
          );
          check(!w.ok, 'the stalled write succeeded after close({ signal }) aborted the flow');
        }),
    },
    {
      id: 'close-write-waits-for-drain',
      name: 'closeWrite() on a clogged writer stays pending until the reader drains, then EOF follows every byte',
      requires: ['backpressure', 'halfClose'],
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const deadline = Date.now() + ctx.transferTimeoutMs;
          const stall = await fillUntilStall(a, 971, deadline);
          const closing = startCloseWrite(a, 'closeWrite() on a clogged flow');
          const early = await settlesWithin(closing, 100);
          if (early.settled)
            fail(
              `closeWrite() on a clogged flow resolved ${describeValue(early.value)} before the reader drained it`,
            );
          await readAndVerify(b, stall.accepted + stall.stalledSize, 971, deadline);
          expectEof(
            await read(b, 'read after the drained data', ctx.opTimeoutMs),
            'read after the drained data',
          );
          const r = await withTimeout(closing, ctx.opTimeoutMs, 'closeWrite() after the drain');
          check(r.ok, `closeWrite() after the drain resolved ${describeValue(r)}`);
        }),
    },
    {
      id: 'remote-abort-unclogs',
      name: 'a clogged writer’s stalled write resolves with an error when the remote aborts',
      requires: ['backpressure', 'abortSendsReset'],
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const stall = await fillUntilStall(a, 972, Date.now() + ctx.transferTimeoutMs);
          abort(b, 'remote abort()');
          const w = await withTimeout(
            stall.stalled,
            ctx.opTimeoutMs,
            'the stalled write after the remote aborted',
          );
          check(!w.ok, `the stalled write of ${STALL_CHUNK} bytes succeeded after the remote aborted`);
        }),
    },
  ],
};
