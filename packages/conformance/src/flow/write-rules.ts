import { EOF } from '@flowkit/flow-types';
import { check, checkBytes, concat, describeValue, fail } from '../support/assert.js';
import {
  close,
  expectClosed,
  expectEof,
  expectOk,
  read,
  readUntilEof,
  receiveExactly,
  startClose,
  write,
  writev,
} from '../support/ops.js';
import { KiB, pattern } from '../support/pattern.js';
import { sleep, withTimeout } from '../support/timing.js';
import { sendExactly } from '../support/transfer.js';
import type { FlowTopic } from '../support/types.js';

const empty = new Uint8Array(0);

/** `call()` must throw a `TypeError` whose message matches `names` (it names the argument), synchronously. */
function throwsAtCall(what: string, names: RegExp, call: () => unknown): void {
  let returned: unknown;
  try {
    returned = call();
  } catch (e) {
    check(e instanceof TypeError, `${what} threw ${describeValue(e)}, not a TypeError`);
    check(names.test(e.message), `${what}: the TypeError does not name the argument (${e.message})`);
    return;
  }
  // A promise it returned instead may reject: handled here, so the failure below is the one reported.
  if (returned instanceof Promise) returned.catch(() => {});
  fail(`${what} did not throw a TypeError at the call: it returned ${describeValue(returned)}`);
}

/** EOF repeats; writes after close fail with `closed`; empty writes and `writev` order. */
export const writeRulesTopic: FlowTopic = {
  id: 'write-rules',
  title: 'EOF and write rules',
  cases: [
    {
      id: 'read-after-eof',
      name: 'after the remote closed and the data was read, read returns EOF again on every call',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const data = pattern(100, 7);
          expectOk(await write(a, data, 'write', ctx.opTimeoutMs), 'write');
          const closing = startClose(a, 'dialer close()');
          const got = await readUntilEof(b, data.length, {
            what: 'acceptor',
            deadline: Date.now() + ctx.opTimeoutMs,
          });
          checkBytes(got, data, 'data before EOF');
          for (let i = 0; i < 5; i++)
            expectEof(await read(b, `read ${i + 2} after EOF`, ctx.opTimeoutMs), `read ${i + 2} after EOF`);
          await close(b, 'acceptor close()', ctx.opTimeoutMs);
          await withTimeout(closing, ctx.opTimeoutMs, 'dialer close()');
          expectEof(await read(b, 'read after both closed', ctx.opTimeoutMs), 'read after both closed');
        }),
    },
    {
      id: 'write-after-close',
      name: 'write and writev after close() resolve { type: "closed" } with a message, before and after close resolves',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const closing = startClose(a, 'dialer close()');
          const e = expectClosed(
            await write(a, pattern(10, 1), 'write after close()', ctx.opTimeoutMs),
            'write after close()',
          );
          check(
            typeof e.message === 'string' && e.message.length > 0,
            'the closed error has an empty message',
          );
          expectClosed(
            await writev(a, [pattern(5, 2), pattern(5, 3)], 'writev after close()', ctx.opTimeoutMs),
            'writev after close()',
          );
          const got = await readUntilEof(b, 0, {
            what: 'acceptor reads (nothing after close)',
            deadline: Date.now() + ctx.opTimeoutMs,
          });
          check(got.length === 0, `a write after close() delivered ${got.length} bytes`);
          await close(b, 'acceptor close()', ctx.opTimeoutMs);
          await withTimeout(closing, ctx.opTimeoutMs, 'dialer close()');
          expectClosed(
            await write(a, pattern(10, 4), 'write after close() resolved', ctx.opTimeoutMs),
            'write after close() resolved',
          );
          expectClosed(
            await write(b, pattern(10, 5), 'acceptor write after its close()', ctx.opTimeoutMs),
            'acceptor write after its close()',
          );
        }),
    },
    {
      id: 'write-after-remote-abort',
      name: 'writes after the remote aborted eventually fail (closed or another write error) instead of succeeding forever',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          b.abort(new Error('conformance: remote gone'));
          const deadline = Date.now() + ctx.transferTimeoutMs;
          for (let i = 0; i < 400 && Date.now() < deadline; i++) {
            const r = await write(a, pattern(KiB, i), `write ${i} after the remote aborted`, ctx.opTimeoutMs);
            if (!r.ok) return;
            await sleep(5);
          }
          fail('writes kept succeeding after the remote aborted');
        }),
    },
    {
      id: 'write-fails-and-keeps-failing',
      name: 'once a write failed because the remote aborted, every later write and writev fails too (50 tries)',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          b.abort(new Error('conformance: remote gone'));
          const deadline = Date.now() + ctx.transferTimeoutMs;
          let failedAt = -1;
          for (let i = 0; i < 400 && failedAt < 0 && Date.now() < deadline; i++) {
            const r = await write(a, pattern(KiB, i), `write ${i} after the remote aborted`, ctx.opTimeoutMs);
            if (!r.ok) failedAt = i;
            else await sleep(5);
          }
          if (failedAt < 0) fail('writes kept succeeding after the remote aborted');
          for (let i = 0; i < 50; i++) {
            const r =
              i % 2 === 0
                ? await write(a, pattern(100, i), `write ${i} after the first failure`, ctx.opTimeoutMs)
                : await writev(a, [pattern(50, i)], `writev ${i} after the first failure`, ctx.opTimeoutMs);
            if (r.ok) fail(`write ${i} after the first failed write succeeded (a failed flow stays failed)`);
          }
        }),
    },
    {
      id: 'bad-arguments-throw-at-call',
      name: 'a string passed to write or writev (or in writev’s list), a non-AbortSignal as read’s signal, or options that are not an object (read(5)), throws a TypeError naming the argument at the call; nothing is sent and the flow stays usable',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const calls: readonly (readonly [string, RegExp, () => unknown])[] = [
            ['write("abc")', /buffer/, () => a.write('abc' as never)],
            ['write(undefined)', /buffer/, () => a.write(undefined as never)],
            ['writev("abc")', /buffers/, () => a.writev('abc' as never)],
            ['writev(["abc"])', /buffers/, () => a.writev(['abc'] as never)],
            ['read({ signal: "abc" })', /signal/, () => a.read({ signal: 'abc' as never })],
            ['read(5)', /options/, () => a.read(5 as never)],
          ];
          for (const [what, names, call] of calls) throwsAtCall(what, names, call);
          const data = pattern(300, 42);
          expectOk(
            await write(a, data, 'write after the bad calls', ctx.opTimeoutMs),
            'write after the bad calls',
          );
          const closing = startClose(a, 'dialer close()');
          const got = await readUntilEof(b, data.length, {
            what: 'acceptor reads what was sent',
            deadline: Date.now() + ctx.opTimeoutMs,
          });
          checkBytes(got, data, 'the only data sent (the bad calls must send nothing)');
          await close(b, 'acceptor close()', ctx.opTimeoutMs);
          await withTimeout(closing, ctx.opTimeoutMs, 'dialer close()');
        }),
    },
    {
      id: 'zero-length-write',
      name: 'a zero-length write succeeds and sends nothing: the next read returns the next real data',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          expectOk(await write(a, empty, 'zero-length write', ctx.opTimeoutMs), 'zero-length write');
          expectOk(
            await write(a, new Uint8Array([7, 8, 9]), 'write after it', ctx.opTimeoutMs),
            'write after it',
          );
          const first = await read(b, 'first read', ctx.opTimeoutMs);
          if (!first.ok || first.value === EOF) fail('first read after a zero-length write returned no data');
          check(first.value[0] === 7, `first read returned ${first.value[0]} first, expected 7`);
          const rest =
            first.value.length < 3
              ? await receiveExactly(b, 3 - first.value.length, {
                  what: 'rest',
                  deadline: Date.now() + ctx.opTimeoutMs,
                })
              : empty;
          checkBytes(
            concat([first.value, rest]),
            new Uint8Array([7, 8, 9]),
            'data after a zero-length write',
          );
        }),
    },
    {
      id: 'empty-writev',
      name: 'writev([]) and writev of only empty buffers succeed and send nothing',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          expectOk(await writev(a, [], 'writev([])', ctx.opTimeoutMs), 'writev([])');
          expectOk(
            await writev(a, [empty, empty], 'writev([empty, empty])', ctx.opTimeoutMs),
            'writev([empty, empty])',
          );
          const data = pattern(20, 9);
          expectOk(await write(a, data, 'write after', ctx.opTimeoutMs), 'write after');
          const got = await receiveExactly(b, data.length, {
            what: 'acceptor',
            deadline: Date.now() + ctx.opTimeoutMs,
          });
          checkBytes(got, data, 'data after empty writev');
        }),
    },
    {
      id: 'writev-order',
      name: 'writev of 200 small distinct buffers arrives in order',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const parts = Array.from({ length: 200 }, (_, i) => pattern(1 + ((i * 7) % 50), 1000 + i));
          const expected = concat(parts);
          const deadline = Date.now() + ctx.transferTimeoutMs;
          const [r, got] = await Promise.all([
            writev(a, parts, 'writev of 200 buffers', ctx.transferTimeoutMs),
            receiveExactly(b, expected.length, { what: 'acceptor', deadline }),
          ]);
          expectOk(r, 'writev of 200 buffers');
          checkBytes(got, expected, 'writev data');
        }),
    },
    {
      id: 'writev-mixed-empty',
      name: 'writev of mixed empty and non-empty buffers sends the non-empty ones in order',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const x = pattern(10, 11);
          const y = pattern(1, 12);
          const z = pattern(300, 13);
          expectOk(
            await writev(a, [empty, x, empty, empty, y, z, empty], 'writev', ctx.opTimeoutMs),
            'writev',
          );
          const expected = concat([x, y, z]);
          const got = await receiveExactly(b, expected.length, {
            what: 'acceptor',
            deadline: Date.now() + ctx.opTimeoutMs,
          });
          checkBytes(got, expected, 'writev data');
        }),
    },
    {
      id: 'writev-large',
      name: 'writev of four 256 KiB buffers arrives byte-exact',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const parts = [0, 1, 2, 3].map((i) => pattern(256 * KiB, 20 + i));
          const expected = concat(parts);
          const [r, got] = await Promise.all([
            writev(a, parts, 'writev 1 MiB', ctx.transferTimeoutMs),
            receiveExactly(b, expected.length, {
              what: 'acceptor',
              deadline: Date.now() + ctx.transferTimeoutMs,
            }),
          ]);
          expectOk(r, 'writev 1 MiB');
          checkBytes(got, expected, 'writev data');
          await sendExactly(ctx, b, a, [pattern(10, 30)], pattern(10, 30), 'reverse direction still works');
        }),
    },
  ],
};
