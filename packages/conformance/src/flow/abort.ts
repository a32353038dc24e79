import { check, checkBytes, describeValue, fail } from '../support/assert.js';
import {
  abort,
  expectClosed,
  expectOk,
  expectReadError,
  read,
  readUntilEnd,
  receiveExactly,
  startClose,
  startCloseWrite,
  write,
  writev,
} from '../support/ops.js';
import { pattern } from '../support/pattern.js';
import { fillUntilStall } from '../support/stall.js';
import { sleep, withTimeout } from '../support/timing.js';
import type { FlowTopic } from '../support/types.js';

/** `abort`: pending reads and writes end, close resolves, the remote notices. */
export const abortTopic: FlowTopic = {
  id: 'abort',
  title: 'abort',
  cases: [
    {
      id: 'abort-pending-reads',
      name: 'abort() while reads are pending: they resolve with an error (not EOF, not a hang), and so do later reads',
      run: (ctx) =>
        ctx.withPair(async (a) => {
          const r1 = read(a, 'pending read 1', ctx.opTimeoutMs);
          const r2 = read(a, 'pending read 2', ctx.opTimeoutMs);
          abort(a, 'abort()', new Error('conformance: abort'));
          expectReadError(await r1, 'pending read 1 after abort()');
          expectReadError(await r2, 'pending read 2 after abort()');
          for (let i = 0; i < 3; i++)
            expectReadError(
              await read(a, `read ${i} after abort()`, ctx.opTimeoutMs),
              `read ${i} after abort()`,
            );
        }),
    },
    {
      id: 'abort-pending-write',
      name: 'abort() while a write is stalled: the write resolves with an error',
      requires: 'backpressure',
      run: (ctx) =>
        ctx.withPair(async (a) => {
          const stall = await fillUntilStall(a, 51, Date.now() + ctx.transferTimeoutMs);
          abort(a, 'abort()');
          const r = await withTimeout(stall.stalled, ctx.opTimeoutMs, 'stalled write after abort()');
          check(!r.ok, 'the stalled write succeeded after abort()');
        }),
    },
    {
      id: 'abort-then-close',
      name: 'close() after abort() resolves at once, and a close() pending before abort() resolves',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const pending = startClose(a, 'close() before abort()');
          abort(a, 'abort()');
          await withTimeout(pending, ctx.opTimeoutMs, 'close() pending when abort() was called');
          await withTimeout(startClose(a, 'close() after abort()'), ctx.opTimeoutMs, 'close() after abort()');
          abort(b, 'abort()');
          await withTimeout(
            startClose(b, 'close() after abort()'),
            ctx.opTimeoutMs,
            'acceptor close() after abort()',
          );
        }),
    },
    {
      id: 'abort-idempotent',
      name: 'abort() any number of times does not throw; the flow stays aborted',
      run: (ctx) =>
        ctx.withPair(async (a) => {
          abort(a, 'first abort()');
          abort(a, 'second abort()');
          abort(a, 'third abort()', 'a reason');
          expectReadError(await read(a, 'read after abort()', ctx.opTimeoutMs), 'read after abort()');
          expectClosed(
            await write(a, pattern(3, 1), 'write after abort()', ctx.opTimeoutMs),
            'write after abort()',
          );
        }),
    },
    {
      id: 'writes-after-abort',
      name: 'write and writev after abort() resolve { type: "closed" }',
      run: (ctx) =>
        ctx.withPair(async (a) => {
          abort(a, 'abort()');
          expectClosed(
            await write(a, pattern(8, 2), 'write after abort()', ctx.opTimeoutMs),
            'write after abort()',
          );
          expectClosed(
            await writev(a, [pattern(8, 3)], 'writev after abort()', ctx.opTimeoutMs),
            'writev after abort()',
          );
        }),
    },
    {
      id: 'remote-sees-reset',
      name: 'the remote of an aborted flow reads an error, not a clean EOF',
      requires: 'abortSendsReset',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          // Prove the pair is live first, so the abort is of an established flow.
          expectOk(await write(a, pattern(4, 5), 'write', ctx.opTimeoutMs), 'write');
          checkBytes(
            await receiveExactly(b, 4, { what: 'acceptor', deadline: Date.now() + ctx.opTimeoutMs }),
            pattern(4, 5),
            'data',
          );
          const pending = read(b, 'remote read pending during abort()', ctx.opTimeoutMs);
          abort(a, 'abort()');
          const r = await pending;
          if (r.ok) fail(`the remote of an aborted flow read ${describeValue(r.value)} instead of an error`);
        }),
    },
    {
      id: 'remote-no-hang',
      name: 'the remote of an aborted flow sees EOF or an error (no hang), and its close() resolves',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          abort(a, 'abort()');
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
      id: 'abort-after-clean-close',
      name: 'abort() after both ends closed cleanly still wins: unread data is dropped and later reads are errors',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          expectOk(await write(b, pattern(4096, 61), 'acceptor write', ctx.opTimeoutMs), 'acceptor write');
          const remoteClosing = startClose(b, 'acceptor close()');
          // The dialer leaves the 4 KiB unread; its close still resolves,
          // because the remote's end-of-stream is already behind that data.
          await withTimeout(startClose(a, 'dialer close()'), ctx.opTimeoutMs, 'dialer close()');
          await withTimeout(remoteClosing, ctx.opTimeoutMs, 'acceptor close()');
          abort(a, 'abort() after the clean close');
          for (let i = 0; i < 2; i++)
            expectReadError(
              await read(a, `read ${i} after abort()`, ctx.opTimeoutMs),
              `read ${i} after abort() that followed a clean close (abort drops unread data)`,
            );
        }),
    },
    {
      id: 'abort-releases-remote-close',
      name: 'a close() waiting for the remote resolves when the remote aborts',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const closing = startClose(b, 'acceptor close()');
          await readUntilEnd(a, 0, {
            what: 'dialer reads until the end',
            deadline: Date.now() + ctx.opTimeoutMs,
          });
          abort(a, 'abort()');
          await withTimeout(closing, ctx.opTimeoutMs, 'acceptor close() after the dialer aborted');
        }),
    },
    {
      id: 'abort-leaks-nothing',
      name: 'abort() in every state (idle, reads pending, write-closed, close pending, twice) leaves no unhandled rejection',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          // The runner fails the case on a stray rejection, naming the call before it.
          abort(a, 'abort() of an idle flow');
          const pending = [
            read(b, 'pending read', ctx.opTimeoutMs),
            read(b, 'second pending read', ctx.opTimeoutMs),
          ];
          abort(b, 'abort() with reads pending');
          for (const [i, r] of pending.entries()) expectReadError(await r, `pending read ${i} after abort()`);
          await ctx.withPair(async (c, d) => {
            void (await startCloseWrite(c, 'closeWrite()'));
            abort(c, 'abort() after closeWrite()');
            const closing = startClose(d, 'close() pending');
            abort(d, 'abort() with close() pending');
            abort(d, 'abort() again');
            await withTimeout(closing, ctx.opTimeoutMs, 'close() pending when abort() was called');
          });
          await sleep(10);
        }),
    },
  ],
};
