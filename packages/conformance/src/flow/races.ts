import type { Flow, ReadResult, WriteResult } from '@flowkit/flow-types';
import { EOF } from '@flowkit/flow-types';
import { check, checkBytes, concat, describeValue, fail } from '../support/assert.js';
import {
  expectOk,
  read,
  readUntilEof,
  receiveExactly,
  startClose,
  startCloseWrite,
  startWrite,
  startWritev,
  task,
} from '../support/ops.js';
import { KiB, pattern } from '../support/pattern.js';
import { remaining, sleep, withTimeout } from '../support/timing.js';
import { closeBoth, sendExactly } from '../support/transfer.js';
import type { FlowCaseContext, FlowTopic } from '../support/types.js';

/**
 * Go `nettest`'s racing cases: many operations at once on short deadlines.
 * Reads are served in call order, so the case numbers each read at the call
 * and reassembles what it got in that order.
 */

/**
 * `loops` concurrent readers each read `flow` on deadlines of 1–5 ms until
 * `total` bytes arrived; each returned buffer is copied and then scribbled
 * over (the caller owns it: a transport that still holds it corrupts later
 * data). Returns the bytes in read-call order.
 */
async function racyReads(
  flow: Flow,
  total: number,
  loops: number,
  deadline: number,
  what: string,
): Promise<Uint8Array> {
  const got: { seq: number; data: Uint8Array }[] = [];
  let seq = 0;
  let received = 0;
  let cancelled = 0;
  const loop = async (id: number): Promise<void> => {
    while (received < total) {
      if (Date.now() >= deadline) fail(`${what}: ${received} of ${total} bytes after the deadline`);
      const mine = seq++;
      const r: ReadResult = await read(flow, `${what}: racy read ${mine}`, remaining(deadline), {
        signal: AbortSignal.timeout(1 + ((id + mine) % 5)),
      });
      if (!r.ok) {
        check(r.error.type === 'aborted', `${what}: racy read ${mine} failed with ${describeValue(r.error)}`);
        cancelled++;
        continue;
      }
      if (r.value === EOF) fail(`${what}: EOF after ${received} of ${total} bytes`);
      // `new Uint8Array(view)` copies; a Node Buffer's `slice()` would be a view.
      got.push({ seq: mine, data: new Uint8Array(r.value) });
      r.value.fill(0xa5);
      received += r.value.length;
    }
  };
  await Promise.all(Array.from({ length: loops }, (_, i) => task(() => loop(i))));
  void cancelled;
  got.sort((x, y) => x.seq - y.seq);
  return concat(got.map((g) => g.data));
}

/** `count` messages of 1–`max` bytes, distinct per `seed`. */
function messages(count: number, max: number, seed: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => pattern(1 + ((i * 131 + seed) % max), seed * 10_000 + i));
}

/** Concurrency torture: racing reads and writes, and every method at once. */
export const racesTopic: FlowTopic = {
  id: 'races',
  title: 'races',
  cases: [
    {
      id: 'racy-read',
      name: 'racy read: 10 readers on 1–5 ms deadlines while 256 KiB arrive; every byte once, in read-call order, though returned buffers are overwritten at once',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const deadline = Date.now() + ctx.transferTimeoutMs;
          const data = pattern(256 * KiB, 910);
          // Fresh copies: a zero-copy flow hands the very buffer to the reader, which scribbles on it.
          const writing = task(async () => {
            for (let at = 0; at < data.length; at += KiB) {
              const r = await withTimeout(
                startWrite(a, data.slice(at, at + KiB), `write at ${at}`),
                remaining(deadline),
                `write at ${at}`,
              );
              expectOk(r, `write at ${at}`);
              // Gaps of 3 ms let the short deadlines fire while reads are pending.
              if (at % (16 * KiB) === 0) await sleep(3);
            }
          });
          const got = await racyReads(b, data.length, 10, deadline, 'racy-read');
          await writing;
          checkBytes(got, data, 'racy-read: bytes in read-call order');
        }),
    },
    {
      id: 'racy-write',
      name: 'racy write: 10 writers × 50 unawaited writes and writevs while the reader races on short deadlines; the bytes arrive in call order',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const deadline = Date.now() + ctx.transferTimeoutMs;
          const inCallOrder: Uint8Array[] = [];
          const results: Promise<WriteResult>[] = [];
          const writer = async (w: number): Promise<void> => {
            for (let i = 0; i < 50; i++) {
              const parts = messages(i % 3 === 0 ? 2 : 1, 700, 920 + w * 50 + i);
              // Copies: a zero-copy flow hands these very buffers to the reader, which scribbles on them.
              inCallOrder.push(...parts.map((p) => p.slice()));
              results.push(
                parts.length === 1
                  ? startWrite(a, parts[0]!, `writer ${w} write ${i}`)
                  : startWritev(a, parts, `writer ${w} writev ${i}`),
              );
              // Yield so the ten writers interleave their calls, and now and
              // then pause so the reader's short deadlines fire mid-stream.
              if (i % 10 === 9) await sleep(3);
              else await Promise.resolve();
            }
          };
          let total = 0;
          for (let w = 0; w < 10; w++)
            for (let i = 0; i < 50; i++)
              for (const p of messages(i % 3 === 0 ? 2 : 1, 700, 920 + w * 50 + i)) total += p.length;
          // The reader races while the writers are still calling.
          const reading = task(() => racyReads(b, total, 10, deadline, 'racy-write'));
          await Promise.all(Array.from({ length: 10 }, (_, w) => writer(w)));
          const got = await reading;
          checkBytes(got, concat(inCallOrder), 'racy-write: bytes in write-call order');
          for (const [i, r] of results.entries())
            expectOk(await withTimeout(r, remaining(deadline), `write ${i}`), `write ${i}`);
        }),
    },
    {
      id: 'concurrent-methods',
      name: 'concurrent methods: 100 rounds of read, cancelled read, write and writev on both ends at once, then a working round trip',
      run: (ctx) => concurrentMethods(ctx),
    },
    {
      id: 'concurrent-methods-then-closing',
      name: 'writes, writev, reads, closeWrite() and close() all called at once: writes before closeWrite() arrive, the rest say closed, EOF follows, close() resolves',
      requires: 'halfClose',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const deadline = Date.now() + ctx.transferTimeoutMs;
          const before = messages(20, 300, 940);
          const writes = before.map((m, i) =>
            i % 2 === 0 ? startWrite(a, m, `write ${i}`) : startWritev(a, [m], `writev ${i}`),
          );
          const reads = [0, 1, 2].map((i) => read(a, `dialer read ${i}`, ctx.transferTimeoutMs));
          const closing = startCloseWrite(a, 'closeWrite()');
          const closed = startClose(a, 'close()');
          const after = startWrite(a, pattern(5, 941), 'write after closeWrite()');
          const expected = concat(before);
          checkBytes(
            await readUntilEof(b, expected.length, { what: 'acceptor reads until EOF', deadline }),
            expected,
            'writes started before closeWrite()',
          );
          for (const [i, w] of writes.entries())
            expectOk(
              await withTimeout(w, remaining(deadline), `write ${i}`),
              `write ${i} started before closeWrite()`,
            );
          const late = await withTimeout(after, remaining(deadline), 'write after closeWrite()');
          check(!late.ok, 'a write started after closeWrite() succeeded');
          void (await withTimeout(closing, remaining(deadline), 'closeWrite()'));
          await withTimeout(startClose(b, 'acceptor close()'), remaining(deadline), 'acceptor close()');
          await withTimeout(closed, remaining(deadline), 'dialer close() after the acceptor closed');
          for (const [i, r] of reads.entries()) {
            const got = await r;
            check(
              got.ok && got.value === EOF,
              `dialer read ${i} pending at close resolved ${describeValue(got)}, expected EOF`,
            );
          }
        }),
    },
  ],
};

async function concurrentMethods(ctx: FlowCaseContext): Promise<void> {
  await ctx.withPair(async (a, b) => {
    const deadline = Date.now() + ctx.transferTimeoutMs;
    const ab: Uint8Array[] = [];
    const ba: Uint8Array[] = [];
    const ops: Promise<unknown>[] = [];
    for (let round = 0; round < 100; round++) {
      const [x, y, z] = messages(3, 200, 950 + round);
      const w = pattern(1 + (round % 50), 20_000 + round);
      ab.push(x!, y!, z!);
      ba.push(w);
      ops.push(
        startWrite(a, x!, `round ${round}: dialer write`).then((r) =>
          expectOk(r, `round ${round}: dialer write`),
        ),
        startWritev(a, [y!, z!], `round ${round}: dialer writev`).then((r) =>
          expectOk(r, `round ${round}: dialer writev`),
        ),
        startWrite(b, w, `round ${round}: acceptor write`).then((r) =>
          expectOk(r, `round ${round}: acceptor write`),
        ),
        // Reads that are cancelled at once must take nothing.
        read(a, `round ${round}: cancelled dialer read`, remaining(deadline), {
          signal: AbortSignal.abort(),
        }).then((r) =>
          check(!r.ok, `round ${round}: a read with a fired signal returned ${describeValue(r)}`),
        ),
      );
    }
    const expectedAb = concat(ab);
    const expectedBa = concat(ba);
    const [gotAb, gotBa] = await Promise.all([
      receiveExactly(b, expectedAb.length, { what: 'acceptor reads the rounds', deadline }),
      receiveExactly(a, expectedBa.length, { what: 'dialer reads the rounds', deadline }),
    ]);
    checkBytes(gotAb, expectedAb, 'dialer → acceptor after concurrent methods');
    checkBytes(gotBa, expectedBa, 'acceptor → dialer after concurrent methods');
    await withTimeout(Promise.all(ops), remaining(deadline), 'the 100 rounds of operations');
    const ping = pattern(17, 960);
    await sendExactly(ctx, a, b, [ping], ping, 'round trip after the rounds');
    await sendExactly(ctx, b, a, [ping], ping, 'reply after the rounds');
    await closeBoth(ctx, a, b, 'after concurrent methods');
  });
}
