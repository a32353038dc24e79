import { EOF } from '@flowkit/flow-types';
import { check, checkBytes, describeValue } from '../support/assert.js';
import {
  expectAborted,
  expectData,
  expectOk,
  read,
  readUntilEnd,
  receiveExactly,
  startClose,
  write,
} from '../support/ops.js';
import { pattern } from '../support/pattern.js';
import { settlesWithin, sleep, withTimeout } from '../support/timing.js';
import type { FlowTopic } from '../support/types.js';

/**
 * Go's `nettest` deadlines, mapped to `AbortSignal`: a read's `signal` is its
 * deadline, `AbortSignal.timeout(ms)` a deadline in the future, an aborted
 * signal one in the past, and `close({ signal })` bounds the close.
 */

/** Deadlines as signals: past, present and future timeouts on reads and close. */
export const deadlinesTopic: FlowTopic = {
  id: 'deadlines',
  title: 'deadlines (AbortSignal)',
  cases: [
    {
      id: 'past-timeout-with-data-waiting',
      name: 'past timeout: a read whose signal already fired resolves { type: "aborted" } even with data waiting, and the data stays for the next read',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const first = pattern(100, 901);
          expectOk(await write(a, first, 'first write', ctx.opTimeoutMs), 'first write');
          await receiveExactly(b, first.length, {
            what: 'first read',
            deadline: Date.now() + ctx.opTimeoutMs,
          });
          const data = pattern(300, 902);
          expectOk(await write(a, data, 'second write', ctx.opTimeoutMs), 'second write');
          // Let the data arrive first, so a flow that serves queued data before checking the signal is caught.
          await sleep(20);
          for (let i = 0; i < 3; i++)
            expectAborted(
              await read(b, `read ${i} with a fired signal`, ctx.opTimeoutMs, {
                signal: AbortSignal.abort(),
              }),
              `read ${i} with a signal that already fired, data waiting`,
            );
          checkBytes(
            await receiveExactly(b, data.length, {
              what: 'read after',
              deadline: Date.now() + ctx.opTimeoutMs,
            }),
            data,
            'data waiting during reads with fired signals',
          );
        }),
    },
    {
      id: 'present-timeout',
      name: 'present timeout: signals firing while 5 reads are blocked unblock all of them, and the flow keeps working',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const controllers = Array.from({ length: 5 }, () => new AbortController());
          const reads = controllers.map((c, i) =>
            read(b, `blocked read ${i}`, ctx.opTimeoutMs, { signal: c.signal }),
          );
          await sleep(20);
          for (const c of controllers) c.abort(new Error('conformance: deadline now'));
          for (const [i, r] of reads.entries())
            expectAborted(await r, `blocked read ${i} after its signal fired`);
          const data = pattern(64, 902);
          expectOk(
            await write(a, data, 'write after the timeouts', ctx.opTimeoutMs),
            'write after the timeouts',
          );
          checkBytes(
            await receiveExactly(b, data.length, {
              what: 'read after the timeouts',
              deadline: Date.now() + ctx.opTimeoutMs,
            }),
            data,
            'data after present timeouts',
          );
        }),
    },
    {
      id: 'future-timeout',
      name: 'future timeout: AbortSignal.timeout() lets data that arrives in time through, and fires on a silent flow no earlier than set',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const pending = read(b, 'read with a 2 s timeout', ctx.opTimeoutMs, {
            signal: AbortSignal.timeout(2_000),
          });
          await sleep(20);
          const data = pattern(10, 903);
          expectOk(await write(a, data, 'write', ctx.opTimeoutMs), 'write');
          const got = expectData(await pending, 'read with a timeout, data sent in time');
          checkBytes(got, data.subarray(0, got.length), 'data read before the timeout');
          if (got.length < data.length)
            await receiveExactly(b, data.length - got.length, {
              what: 'rest',
              deadline: Date.now() + ctx.opTimeoutMs,
            });
          const started = Date.now();
          expectAborted(
            await read(b, 'read with a 150 ms timeout on a silent flow', ctx.opTimeoutMs, {
              signal: AbortSignal.timeout(150),
            }),
            'read with a 150 ms timeout on a silent flow',
          );
          const waited = Date.now() - started;
          check(waited >= 100, `a read with a 150 ms timeout gave up after ${waited} ms`);
        }),
    },
    {
      id: 'shared-signal',
      name: 'one signal shared by several pending reads cancels them all; reads without it still get the data',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const controller = new AbortController();
          const cancelled = [0, 1, 2].map((i) =>
            read(b, `read ${i} with the shared signal`, ctx.opTimeoutMs, { signal: controller.signal }),
          );
          controller.abort(new Error('conformance: shared deadline'));
          for (const [i, r] of cancelled.entries())
            expectAborted(await r, `read ${i} with the shared signal`);
          expectAborted(
            await read(b, 'later read with the fired shared signal', ctx.opTimeoutMs, {
              signal: controller.signal,
            }),
            'later read with the fired shared signal',
          );
          const data = pattern(40, 904);
          expectOk(await write(a, data, 'write', ctx.opTimeoutMs), 'write');
          checkBytes(
            await receiveExactly(b, data.length, {
              what: 'read without a signal',
              deadline: Date.now() + ctx.opTimeoutMs,
            }),
            data,
            'data after the shared signal fired',
          );
        }),
    },
    {
      id: 'close-timeout',
      name: 'close({ signal: AbortSignal.timeout(100) }) with a remote that never closes resolves once it fires, and the flow is aborted',
      requires: 'closeWaitsForRemote',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const started = Date.now();
          await withTimeout(
            startClose(a, 'close({ signal: AbortSignal.timeout(100) })', {
              signal: AbortSignal.timeout(100),
            }),
            ctx.opTimeoutMs,
            'close({ signal: AbortSignal.timeout(100) })',
          );
          const waited = Date.now() - started;
          check(
            waited >= 50,
            `close() with a 100 ms timeout resolved after ${waited} ms, before the remote closed`,
          );
          await readUntilEnd(b, 0, {
            what: 'remote of the timed-out close',
            deadline: Date.now() + ctx.opTimeoutMs,
          });
        }),
    },
    {
      id: 'cancelled-close-still-closes',
      name: 'a cancelled close still closes: after close({ signal }) fired, reads end at once and another close() resolves at once',
      requires: 'closeWaitsForRemote',
      run: (ctx) =>
        ctx.withPair(async (a) => {
          const controller = new AbortController();
          const closing = startClose(a, 'close({ signal })', { signal: controller.signal });
          const early = await settlesWithin(closing, 50);
          check(
            !early.settled,
            'close({ signal }) resolved before the signal fired and before the remote closed',
          );
          controller.abort(new Error('conformance: cancel the close'));
          await withTimeout(closing, ctx.opTimeoutMs, 'close({ signal }) after the signal fired');
          const r = await read(a, 'read after the cancelled close', ctx.opTimeoutMs);
          check(!r.ok || r.value === EOF, `read after the cancelled close returned ${describeValue(r)}`);
          await withTimeout(startClose(a, 'second close()'), 200, 'close() after a cancelled close');
        }),
    },
  ],
};
