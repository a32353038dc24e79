import type { ReadResult } from '@flowkit/flow-types';
import { EOF } from '@flowkit/flow-types';
import { check, checkBytes, concat, describeValue, fail } from '../support/assert.js';
import {
  expectOk,
  read,
  readUntilEof,
  receiveExactly,
  startClose,
  startWrite,
  startWritev,
} from '../support/ops.js';
import { chunk, KiB, MiB, pattern } from '../support/pattern.js';
import { remaining, withTimeout } from '../support/timing.js';
import { closeBoth, sendExactly } from '../support/transfer.js';
import type { FlowTopic } from '../support/types.js';

/** Concurrent reads and writes keep order and lose nothing. */
export const concurrencyTopic: FlowTopic = {
  id: 'concurrency',
  title: 'concurrency',
  cases: [
    {
      id: 'both-directions',
      name: '1 MiB each way at the same time, byte-exact in both directions',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const ab = pattern(MiB, 90);
          const ba = pattern(MiB, 91);
          await Promise.all([
            sendExactly(ctx, a, b, chunk(ab, [16 * KiB]), ab, 'dialer → acceptor'),
            sendExactly(ctx, b, a, chunk(ba, [12 * KiB]), ba, 'acceptor → dialer'),
          ]);
          await closeBoth(ctx, a, b, 'after both directions');
        }),
    },
    {
      id: 'concurrent-writes-order',
      name: '100 writes started without awaiting arrive in call order',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const parts = Array.from({ length: 100 }, (_, i) => pattern(1 + ((i * 53) % 500), 300 + i));
          const deadline = Date.now() + ctx.transferTimeoutMs;
          const writes = parts.map((p, i) => startWrite(a, p, `write ${i}`));
          const expected = concat(parts);
          const got = await receiveExactly(b, expected.length, { what: 'acceptor', deadline });
          checkBytes(got, expected, 'concurrent writes');
          for (const [i, w] of writes.entries())
            expectOk(await withTimeout(w, remaining(deadline), `write ${i}`), `write ${i}`);
        }),
    },
    {
      id: 'concurrent-write-writev-order',
      name: 'write and writev calls started together arrive in call order',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const deadline = Date.now() + ctx.transferTimeoutMs;
          const all: Uint8Array[] = [];
          const ops = Array.from({ length: 40 }, (_, i) => {
            if (i % 2 === 0) {
              const p = pattern(1 + ((i * 31) % 700), 400 + i);
              all.push(p);
              return startWrite(a, p, `write ${i}`);
            }
            const ps = [pattern(1 + (i % 5), 500 + i), pattern(3 + ((i * 7) % 90), 600 + i)];
            all.push(...ps);
            return startWritev(a, ps, `writev ${i}`);
          });
          const expected = concat(all);
          checkBytes(
            await receiveExactly(b, expected.length, { what: 'acceptor', deadline }),
            expected,
            'mixed write/writev',
          );
          for (const [i, w] of ops.entries())
            expectOk(await withTimeout(w, remaining(deadline), `op ${i}`), `op ${i}`);
        }),
    },
    {
      id: 'concurrent-reads-order',
      name: '8 reads pending at once are served in call order, without losing or duplicating bytes',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const deadline = Date.now() + ctx.transferTimeoutMs;
          const reads = Array.from({ length: 8 }, (_, i) =>
            read(b, `concurrent read ${i}`, remaining(deadline)),
          );
          const parts = Array.from({ length: 16 }, (_, i) => pattern(100 + i * 10, 700 + i));
          const expected = concat(parts);
          const writes = parts.map((p, i) => startWrite(a, p, `write ${i}`));
          const closing = startClose(a, 'dialer close()');
          const results: ReadResult[] = [];
          for (const r of reads) results.push(await r);
          const got: Uint8Array[] = [];
          let sawEof = false;
          for (const [i, r] of results.entries()) {
            if (!r.ok) fail(`concurrent read ${i} failed: ${describeValue(r.error)}`);
            if (r.value === EOF) sawEof = true;
            else {
              check(
                !sawEof,
                `concurrent read ${i} returned data after an earlier read returned EOF (reads served out of order)`,
              );
              got.push(r.value);
            }
          }
          const have = concat(got);
          check(
            have.length <= expected.length,
            `concurrent reads returned ${have.length} bytes, only ${expected.length} were sent`,
          );
          const rest = sawEof
            ? new Uint8Array(0)
            : await readUntilEof(b, expected.length - have.length, { what: 'rest', deadline });
          checkBytes(concat([have, rest]), expected, 'bytes in read-call order');
          for (const [i, w] of writes.entries())
            expectOk(await withTimeout(w, remaining(deadline), `write ${i}`), `write ${i}`);
          await withTimeout(startClose(b, 'acceptor close()'), ctx.opTimeoutMs, 'acceptor close()');
          await withTimeout(closing, ctx.opTimeoutMs, 'dialer close()');
        }),
    },
  ],
};
