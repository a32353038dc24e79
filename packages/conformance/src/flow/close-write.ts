import type { Flow, WriteResult } from '@flowkit/flow-types';
import { check, checkBytes, concat, describeValue, fail } from '../support/assert.js';
import {
  abort,
  close,
  closeWrite,
  expectClosed,
  expectEof,
  expectOk,
  expectReadError,
  read,
  readUntilEnd,
  readUntilEof,
  receiveExactly,
  startClose,
  startCloseWrite,
  startWrite,
  task,
  write,
  writeAll,
  writev,
} from '../support/ops.js';
import { chunk, KiB, MiB, pattern } from '../support/pattern.js';
import { fillUntilStall } from '../support/stall.js';
import { settlesWithin, withTimeout } from '../support/timing.js';
import type { FlowCaseContext, FlowTopic } from '../support/types.js';

function sameResult(a: WriteResult, b: WriteResult): boolean {
  if (a.ok || b.ok) return a.ok === b.ok;
  return a.error.type === b.error.type;
}

/** Fails unless `closeWrite()` resolved `ok`: the cases below need a real half-close. */
function expectHalfClosed(r: WriteResult, what: string): void {
  if (!r.ok) fail(`${what} failed with ${describeValue(r.error)} on a transport that declares halfClose`);
}

/** `b` sends `data` and closes while `a`, already write-closed, reads it all and then EOF. */
async function receiveAfterCloseWrite(
  ctx: FlowCaseContext,
  a: Flow,
  b: Flow,
  data: Uint8Array,
  sizes: readonly number[],
  what: string,
): Promise<void> {
  const deadline = Date.now() + ctx.transferTimeoutMs;
  expectHalfClosed(
    await closeWrite(a, `${what}: dialer closeWrite()`, ctx.opTimeoutMs),
    `${what}: closeWrite()`,
  );
  expectEof(
    await read(b, `${what}: acceptor read after the dialer's closeWrite()`, ctx.opTimeoutMs),
    `${what}: acceptor read after the dialer's closeWrite()`,
  );
  const sending = task(async () => {
    await writeAll(b, chunk(data, sizes), { what: `${what}: acceptor writes`, deadline });
    return { closing: startClose(b, `${what}: acceptor close()`) };
  });
  const got = await readUntilEof(a, data.length, { what: `${what}: write-closed dialer reads`, deadline });
  checkBytes(got, data, `${what}: bytes received after closeWrite()`);
  const { closing } = await sending;
  await close(a, `${what}: dialer close()`, ctx.opTimeoutMs);
  await withTimeout(closing, ctx.opTimeoutMs, `${what}: acceptor close()`);
}

/** `closeWrite()`: the half-close on its own. */
export const closeWriteTopic: FlowTopic = {
  id: 'close-write',
  title: 'closeWrite',
  cases: [
    {
      id: 'never-reports-a-half-close-that-did-not-happen',
      name: 'closeWrite() either fails, or the remote reads EOF while this end still reads what the remote sends',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const r = await closeWrite(a, 'closeWrite()', ctx.opTimeoutMs);
          // A transport without half-close answers with an error: that is honest.
          if (!r.ok) return;
          expectEof(
            await read(b, 'remote read after closeWrite() resolved ok', ctx.opTimeoutMs),
            'remote read after closeWrite() resolved ok (the half-close must have happened)',
          );
          const reply = pattern(1000, 801);
          expectOk(
            await write(b, reply, 'remote write after EOF', ctx.opTimeoutMs),
            'remote write after EOF',
          );
          checkBytes(
            await receiveExactly(a, reply.length, {
              what: 'write-closed end reads the reply',
              deadline: Date.now() + ctx.opTimeoutMs,
            }),
            reply,
            'reply after an ok closeWrite()',
          );
        }),
    },
    {
      id: 'nothing-written',
      name: 'closeWrite() with nothing written: the remote reads EOF at once, and can still send to this end',
      requires: 'halfClose',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          expectHalfClosed(await closeWrite(a, 'closeWrite()', ctx.opTimeoutMs), 'closeWrite()');
          expectEof(
            await read(b, 'remote read', ctx.opTimeoutMs),
            'remote read after closeWrite() with nothing written',
          );
          const reply = pattern(3, 860);
          expectOk(await write(b, reply, 'remote write', ctx.opTimeoutMs), 'remote write');
          checkBytes(
            await receiveExactly(a, 3, {
              what: 'write-closed end reads',
              deadline: Date.now() + ctx.opTimeoutMs,
            }),
            reply,
            'reply to an empty half-close',
          );
        }),
    },
    {
      id: 'idempotent',
      name: 'closeWrite() is idempotent: two concurrent calls and a later one resolve with the same result',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const first = startCloseWrite(a, 'first closeWrite()');
          const second = startCloseWrite(a, 'second closeWrite()');
          const r1 = await withTimeout(first, ctx.opTimeoutMs, 'first closeWrite()');
          const r2 = await withTimeout(second, ctx.opTimeoutMs, 'second closeWrite()');
          const r3 = await closeWrite(a, 'third closeWrite()', ctx.opTimeoutMs);
          check(
            sameResult(r1, r2) && sameResult(r1, r3),
            `closeWrite() calls resolved differently: ${describeValue(r1)}, ${describeValue(r2)}, ${describeValue(r3)}`,
          );
          if (r1.ok) {
            expectEof(await read(b, 'remote read', ctx.opTimeoutMs), 'remote read after closeWrite()');
            expectEof(
              await read(b, 'second remote read', ctx.opTimeoutMs),
              'remote read after three closeWrite() calls',
            );
          }
        }),
    },
    {
      id: 'writes-after-close-write',
      name: 'write, writev and zero-length writes after closeWrite() resolve { type: "closed" }',
      run: (ctx) =>
        ctx.withPair(async (a) => {
          void (await closeWrite(a, 'closeWrite()', ctx.opTimeoutMs));
          expectClosed(
            await write(a, pattern(10, 802), 'write after closeWrite()', ctx.opTimeoutMs),
            'write after closeWrite()',
          );
          expectClosed(
            await writev(a, [pattern(3, 803), pattern(4, 804)], 'writev after closeWrite()', ctx.opTimeoutMs),
            'writev after closeWrite()',
          );
          expectClosed(
            await write(a, new Uint8Array(0), 'zero-length write after closeWrite()', ctx.opTimeoutMs),
            'zero-length write after closeWrite()',
          );
        }),
    },
    {
      id: 'reads-continue',
      name: 'after closeWrite() reads go on: the remote’s data arrives, then its EOF',
      requires: 'halfClose',
      run: (ctx) =>
        ctx.withPair((a, b) =>
          receiveAfterCloseWrite(ctx, a, b, pattern(64 * KiB, 805), [4 * KiB], 'reads-continue'),
        ),
    },
    {
      id: 'remote-reads-all-then-eof',
      name: 'the remote reads every byte written before closeWrite(), then EOF, and EOF again',
      requires: 'halfClose',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const deadline = Date.now() + ctx.transferTimeoutMs;
          const data = pattern(256 * KiB + 17, 806);
          const sending = task(async () => {
            await writeAll(a, chunk(data, [1000, 7, 16 * KiB]), { what: 'dialer writes', deadline });
            return closeWrite(a, 'closeWrite() after the writes', ctx.opTimeoutMs);
          });
          const got = await readUntilEof(b, data.length, { what: 'acceptor reads until EOF', deadline });
          checkBytes(got, data, 'bytes written before closeWrite()');
          expectHalfClosed(await sending, 'closeWrite()');
          for (let i = 0; i < 2; i++)
            expectEof(
              await read(b, `acceptor read ${i} after EOF`, ctx.opTimeoutMs),
              `acceptor read ${i} after EOF`,
            );
        }),
    },
    {
      id: 'large-receive-after-close-write',
      name: '8 MiB received after closeWrite(), byte-exact, then EOF',
      requires: 'halfClose',
      run: (ctx) =>
        ctx.withPair((a, b) =>
          receiveAfterCloseWrite(
            ctx,
            a,
            b,
            pattern(8 * MiB, 807),
            [64 * KiB],
            'large-receive-after-close-write',
          ),
        ),
    },
    {
      id: 'flushes-unawaited-writes',
      name: 'closeWrite() racing 32 earlier unawaited writes: all of them succeed and arrive, then EOF',
      requires: 'halfClose',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const parts = Array.from({ length: 32 }, (_, i) => pattern(4 * KiB + i * 3, 810 + i));
          const writes = parts.map((p, i) => startWrite(a, p, `unawaited write ${i}`));
          const closing = startCloseWrite(a, 'closeWrite() with writes pending');
          const expected = concat(parts);
          const got = await readUntilEof(b, expected.length, {
            what: 'acceptor reads until EOF',
            deadline: Date.now() + ctx.transferTimeoutMs,
          });
          checkBytes(got, expected, 'writes started before closeWrite()');
          for (const [i, w] of writes.entries())
            expectOk(
              await withTimeout(w, ctx.opTimeoutMs, `write ${i}`),
              `write ${i} started before closeWrite()`,
            );
          expectHalfClosed(await withTimeout(closing, ctx.opTimeoutMs, 'closeWrite()'), 'closeWrite()');
        }),
    },
    {
      id: 'close-write-then-abort',
      name: 'abort() after closeWrite() still wins: unread data is dropped, reads are errors, the remote does not hang',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          void (await closeWrite(a, 'closeWrite()', ctx.opTimeoutMs));
          expectOk(
            await write(b, pattern(2 * KiB, 820), 'acceptor write', ctx.opTimeoutMs),
            'acceptor write',
          );
          abort(a, 'abort() after closeWrite()');
          for (let i = 0; i < 2; i++)
            expectReadError(
              await read(a, `read ${i} after abort()`, ctx.opTimeoutMs),
              `read ${i} after closeWrite() then abort() (abort drops unread data)`,
            );
          expectClosed(
            await write(a, pattern(3, 821), 'write after abort()', ctx.opTimeoutMs),
            'write after abort()',
          );
          await withTimeout(startClose(a, 'close() after abort()'), ctx.opTimeoutMs, 'close() after abort()');
          await readUntilEnd(b, 0, {
            what: 'remote of the aborted flow',
            deadline: Date.now() + ctx.opTimeoutMs,
          });
          await withTimeout(
            startClose(b, 'remote close()'),
            ctx.opTimeoutMs,
            'remote close() after the peer aborted',
          );
        }),
    },
    {
      id: 'close-write-after-remote-eof',
      name: 'closeWrite() after reading the remote’s EOF resolves ok, the remote reads EOF, and both closes resolve',
      requires: 'halfClose',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const data = pattern(5000, 830);
          // Started, not awaited: a bounded transport flushes only as the dialer reads.
          const writing = startWrite(b, data, 'acceptor write');
          const remoteClosing = startCloseWrite(b, 'acceptor closeWrite()');
          checkBytes(
            await readUntilEof(a, data.length, {
              what: 'dialer reads until EOF',
              deadline: Date.now() + ctx.transferTimeoutMs,
            }),
            data,
            'data before the remote’s EOF',
          );
          expectOk(await withTimeout(writing, ctx.opTimeoutMs, 'acceptor write'), 'acceptor write');
          expectHalfClosed(
            await withTimeout(remoteClosing, ctx.opTimeoutMs, 'acceptor closeWrite()'),
            'acceptor closeWrite()',
          );
          expectHalfClosed(
            await closeWrite(a, 'dialer closeWrite() after the remote’s EOF', ctx.opTimeoutMs),
            'closeWrite() after the remote’s EOF',
          );
          expectEof(
            await read(b, 'acceptor read', ctx.opTimeoutMs),
            'acceptor read after both closeWrite() calls',
          );
          await Promise.all([
            close(a, 'dialer close()', ctx.opTimeoutMs),
            close(b, 'acceptor close()', ctx.opTimeoutMs),
          ]);
        }),
    },
    {
      id: 'close-write-then-close-waits',
      name: 'close() after closeWrite() still waits for the remote’s close, then resolves',
      requires: 'halfClose',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          expectHalfClosed(await closeWrite(a, 'closeWrite()', ctx.opTimeoutMs), 'closeWrite()');
          const closing = startClose(a, 'close() after closeWrite()');
          const early = await settlesWithin(closing, 100);
          check(!early.settled, 'close() after closeWrite() resolved before the remote closed');
          expectEof(await read(b, 'acceptor read', ctx.opTimeoutMs), 'acceptor read');
          await close(b, 'acceptor close()', ctx.opTimeoutMs);
          await withTimeout(closing, ctx.opTimeoutMs, 'close() after the remote closed');
        }),
    },
    {
      id: 'both-close-write',
      name: 'both ends closeWrite() at once: each reads the other’s data then EOF',
      requires: 'halfClose',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const deadline = Date.now() + ctx.transferTimeoutMs;
          // Nothing is awaited before reading, so a bounded transport cannot deadlock.
          const side = async (self: Flow, out: Uint8Array, expected: Uint8Array, what: string) => {
            const writes = chunk(out, [2 * KiB]).map((c, i) => startWrite(self, c, `${what} write ${i}`));
            const closing = startCloseWrite(self, `${what} closeWrite()`);
            checkBytes(
              await readUntilEof(self, expected.length, { what: `${what} reads until EOF`, deadline }),
              expected,
              `${what}: received`,
            );
            for (const [i, w] of writes.entries())
              expectOk(await withTimeout(w, ctx.opTimeoutMs, `${what} write ${i}`), `${what} write ${i}`);
            expectHalfClosed(
              await withTimeout(closing, ctx.opTimeoutMs, `${what} closeWrite()`),
              `${what} closeWrite()`,
            );
          };
          const ab = pattern(30 * KiB, 840);
          const ba = pattern(20 * KiB, 841);
          await Promise.all([side(a, ab, ba, 'dialer'), side(b, ba, ab, 'acceptor')]);
        }),
    },
    {
      id: 'result-when-remote-reset-before-flush',
      name: 'closeWrite() pending behind a stalled write resolves with an error (every call the same) when the remote aborts',
      requires: ['halfClose', 'backpressure', 'abortSendsReset'],
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const stall = await fillUntilStall(a, 850, Date.now() + ctx.transferTimeoutMs);
          const pending = startCloseWrite(a, 'closeWrite() behind a stalled write');
          const early = await settlesWithin(pending, 100);
          if (early.settled)
            fail(
              `closeWrite() resolved ${describeValue(early.value)} before the stalled write was flushed ` +
                '(it must flush first, and nothing had failed yet)',
            );
          abort(b, 'remote abort()');
          const r = await withTimeout(pending, ctx.opTimeoutMs, 'closeWrite() after the remote aborted');
          if (r.ok)
            fail(
              'closeWrite() resolved ok although the remote aborted before the flush (a half-close that did not happen)',
            );
          const again = await closeWrite(a, 'closeWrite() again', ctx.opTimeoutMs);
          check(
            sameResult(r, again),
            `closeWrite() resolved ${describeValue(r)}, then ${describeValue(again)}`,
          );
          const w = await withTimeout(stall.stalled, ctx.opTimeoutMs, 'the stalled write');
          check(!w.ok, 'the stalled write succeeded after the remote aborted');
        }),
    },
  ],
};
