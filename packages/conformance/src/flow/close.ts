import { check, checkBytes, concat } from '../support/assert.js';
import {
  close,
  expectClosed,
  expectEof,
  expectOk,
  read,
  readUntilEnd,
  readUntilEof,
  receiveExactly,
  startClose,
  startWrite,
  task,
  write,
  writeAll,
} from '../support/ops.js';
import { chunk, KiB, MiB, pattern } from '../support/pattern.js';
import { remaining, settlesWithin, sleep, withTimeout } from '../support/timing.js';
import type { FlowTopic } from '../support/types.js';

/** `close`: waits for the remote, idempotent, bounded by a signal, flushes. */
export const closeTopic: FlowTopic = {
  id: 'close',
  title: 'close',
  cases: [
    {
      id: 'close-waits-for-remote',
      name: 'close() does not resolve before the remote closes, and does resolve after it',
      requires: 'closeWaitsForRemote',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const closing = startClose(a, 'dialer close()');
          const early = await settlesWithin(closing, 150);
          check(
            !early.settled,
            'dialer close() resolved before the acceptor closed (close must wait for the remote)',
          );
          const deadline = Date.now() + ctx.transferTimeoutMs;
          await readUntilEof(b, 0, { what: 'acceptor reads EOF', deadline });
          const early2 = await settlesWithin(closing, 50);
          check(!early2.settled, 'dialer close() resolved after the acceptor read EOF but before it closed');
          await close(b, 'acceptor close()', ctx.opTimeoutMs);
          await withTimeout(closing, ctx.opTimeoutMs, 'dialer close() after the acceptor closed');
        }),
    },
    {
      id: 'close-idempotent',
      name: 'close() is idempotent: two calls resolve together, a third after that resolves at once',
      requires: 'closeWaitsForRemote',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const first = startClose(a, 'first close()');
          const second = startClose(a, 'second close()');
          const early = await settlesWithin(Promise.race([first, second]), 100);
          check(!early.settled, 'a close() call resolved before the remote closed');
          await readUntilEof(b, 0, { what: 'acceptor reads EOF', deadline: Date.now() + ctx.opTimeoutMs });
          await close(b, 'acceptor close()', ctx.opTimeoutMs);
          await withTimeout(first, ctx.opTimeoutMs, 'first close() after the remote closed');
          const together = await settlesWithin(second, 100);
          check(together.settled, 'second close() did not resolve when the first did');
          const third = await settlesWithin(startClose(a, 'third close()'), 100);
          check(third.settled, 'a close() after close() resolved did not resolve at once');
        }),
    },
    {
      id: 'close-calls-resolve-together',
      name: 'two close() calls at once resolve at the same moment (by the next turn of the event loop), whether or not close waits for the remote; a third resolves at once',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const first = startClose(a, 'first close()');
          const second = startClose(a, 'second close()');
          // Judged when the first of the two settles, not after the remote closed:
          // a later call that resolves early is only visible at that moment.
          const together = task(async () => {
            await Promise.race([first, second]);
            return settlesWithin(Promise.all([first, second]), 0);
          });
          // The remote waits a little, so an early call resolves (and is judged)
          // before the remote's close could settle the other within the same turn.
          await sleep(50);
          await readUntilEof(b, 0, { what: 'acceptor reads EOF', deadline: Date.now() + ctx.opTimeoutMs });
          await close(b, 'acceptor close()', ctx.opTimeoutMs);
          const seen = await withTimeout(together, ctx.opTimeoutMs, 'the first of two close() calls');
          check(seen.settled, 'one close() call resolved and the other did not resolve at the same moment');
          const third = await settlesWithin(startClose(a, 'third close()'), 100);
          check(third.settled, 'a close() after close() resolved did not resolve at once');
        }),
    },
    {
      id: 'close-signal-bounds-wait',
      name: 'close({ signal }) resolves once the signal fires although the remote never closes; the flow is aborted',
      requires: 'closeWaitsForRemote',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const controller = new AbortController();
          const closing = startClose(a, 'close({ signal })', { signal: controller.signal });
          const early = await settlesWithin(closing, 100);
          check(
            !early.settled,
            'close({ signal }) resolved before the signal fired and before the remote closed',
          );
          controller.abort(new Error('conformance: close deadline'));
          await withTimeout(closing, ctx.opTimeoutMs, 'close({ signal }) after the signal fired');
          // The remote must not hang: it sees EOF or an error.
          await readUntilEnd(b, 0, {
            what: 'remote of the flow aborted by close signal',
            deadline: Date.now() + ctx.opTimeoutMs,
          });
          expectClosed(
            await write(a, new Uint8Array([1]), 'write after close({ signal }) fired', ctx.opTimeoutMs),
            'write after close({ signal }) fired',
          );
        }),
    },
    {
      id: 'close-pre-aborted-signal',
      name: 'close({ signal }) with a signal that already fired resolves and aborts the flow',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const signal = AbortSignal.abort(new Error('conformance: already fired'));
          await withTimeout(
            startClose(a, 'close({ signal: fired })', { signal }),
            ctx.opTimeoutMs,
            'close({ signal }) with a signal that already fired',
          );
          expectClosed(
            await write(a, new Uint8Array([1]), 'write after close({ signal: fired })', ctx.opTimeoutMs),
            'write after close({ signal: fired })',
          );
          await readUntilEnd(b, 0, {
            what: 'remote of the aborted flow',
            deadline: Date.now() + ctx.opTimeoutMs,
          });
        }),
    },
    {
      id: 'close-after-remote-closed',
      name: 'close() after the remote already closed resolves, and so does the remote’s close',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const remote = startClose(b, 'acceptor close()');
          await readUntilEof(a, 0, { what: 'dialer reads EOF', deadline: Date.now() + ctx.opTimeoutMs });
          await close(a, 'dialer close() after the remote closed', ctx.opTimeoutMs);
          await withTimeout(remote, ctx.opTimeoutMs, 'acceptor close() after the dialer closed');
        }),
    },
    {
      id: 'close-flushes-writes',
      name: 'close() flushes pending writes: 32 unawaited writes before close() all arrive, then EOF',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const parts = Array.from({ length: 32 }, (_, i) => pattern(8 * KiB - i, 100 + i));
          const writes = parts.map((p, i) => startWrite(a, p, `unawaited write ${i}`));
          const closing = startClose(a, 'dialer close() with writes pending');
          const expected = concat(parts);
          const got = await readUntilEof(b, expected.length, {
            what: 'acceptor reads until EOF',
            deadline: Date.now() + ctx.transferTimeoutMs,
          });
          checkBytes(got, expected, 'data written before close()');
          for (const [i, w] of writes.entries())
            expectOk(await withTimeout(w, ctx.opTimeoutMs, `write ${i}`), `write ${i} before close()`);
          await close(b, 'acceptor close()', ctx.opTimeoutMs);
          await withTimeout(closing, ctx.opTimeoutMs, 'dialer close()');
        }),
    },
    {
      id: 'close-both-at-once',
      name: 'both ends call close() at once with nothing sent: both resolve',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          await Promise.all([
            close(a, 'dialer close()', ctx.opTimeoutMs),
            close(b, 'acceptor close()', ctx.opTimeoutMs),
          ]);
        }),
    },
    {
      id: 'data-readable-after-close',
      name: 'data received before a clean close stays readable after close() resolves, then EOF',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const data = pattern(4 * KiB, 980);
          expectOk(await write(b, data, 'acceptor write', ctx.opTimeoutMs), 'acceptor write');
          const remoteClosing = startClose(b, 'acceptor close()');
          // The dialer reads nothing before closing: its close() still resolves,
          // because the remote's end-of-stream is already behind the data.
          await withTimeout(
            startClose(a, 'dialer close()'),
            ctx.opTimeoutMs,
            'dialer close() with data unread',
          );
          await withTimeout(remoteClosing, ctx.opTimeoutMs, 'acceptor close()');
          const got = await readUntilEof(a, data.length, {
            what: 'dialer reads after its close() resolved',
            deadline: Date.now() + ctx.opTimeoutMs,
          });
          checkBytes(got, data, 'data received before the clean close');
        }),
    },
    {
      id: 'close-while-remote-writes',
      name: 'close() while the remote is writing 1 MiB: this end still reads all of it, the remote reads EOF, both closes resolve',
      requires: 'halfClose',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const deadline = Date.now() + ctx.transferTimeoutMs;
          const data = pattern(MiB, 981);
          const writing = task(async () => {
            await writeAll(b, chunk(data, [16 * KiB]), { what: 'remote writes', deadline });
          });
          const closing = startClose(a, 'dialer close() while the remote writes');
          const got = await receiveExactly(a, data.length, { what: 'the closing end reads', deadline });
          checkBytes(got, data, 'data the remote wrote while this end was closing');
          await writing;
          expectEof(await read(b, 'remote read', ctx.opTimeoutMs), 'remote read after this end’s close()');
          await close(b, 'remote close()', ctx.opTimeoutMs);
          await withTimeout(closing, ctx.opTimeoutMs, 'dialer close() after the remote closed');
        }),
    },
    {
      id: 'close-signal-while-remote-writes',
      name: 'close({ signal }) while the remote keeps writing and nobody reads: close resolves when the signal fires, and the remote’s writes then fail',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const deadline = Date.now() + ctx.transferTimeoutMs;
          let stop = false;
          const writing = task(async () => {
            for (let i = 0; i < 100_000 && !stop && Date.now() < deadline; i++) {
              const r = await withTimeout(
                startWrite(b, pattern(16 * KiB, 982), `remote write ${i}`),
                remaining(deadline),
                `remote write ${i}`,
              );
              if (!r.ok) return true;
              // Without backpressure every write resolves at once; let timers and I/O run.
              if (i % 16 === 15) await sleep(1);
            }
            return false;
          });
          await withTimeout(
            startClose(a, 'close({ signal: AbortSignal.timeout(100) })', {
              signal: AbortSignal.timeout(100),
            }),
            ctx.opTimeoutMs,
            'close({ signal }) while the remote writes',
          );
          const failed = await withTimeout(
            writing,
            ctx.opTimeoutMs,
            'the remote’s writes after the close was cut short',
          );
          stop = true;
          check(failed, 'the remote’s writes kept succeeding after this end was closed by its signal');
        }),
    },
  ],
};
