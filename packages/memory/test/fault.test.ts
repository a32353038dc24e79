import { EOF, type Flow } from '@flowkit/flow-types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FaultOptions, pair } from '../src/index.js';
import { checkBytes, concat, pattern, readChunks, settle, track } from './helpers.js';

/** Writes `sizes`-sized slices of one pattern from a to b, closes; returns the chunk sizes b saw. */
async function run(faults: FaultOptions, sizes: readonly number[]) {
  const [a, b] = pair({ faults, capacity: 256 });
  const total = sizes.reduce((s, n) => s + n, 0);
  const data = pattern(total, 5);
  const writer = (async () => {
    let offset = 0;
    for (const size of sizes) {
      const r = await a.write(data.subarray(offset, offset + size));
      if (!r.ok) throw new Error(r.error.message);
      offset += size;
    }
    await a.close();
  })();
  const chunks = await readChunks(b, 100_000);
  await b.close();
  await writer;
  return { data, received: concat(chunks), sizes: chunks.map((c) => c.length), a, b };
}

const writes = [10, 300, 1, 64, 1000, 7, 2048];

describe('faults: determinism', () => {
  it('the same seed gives the same chunking, a different seed a different one', async () => {
    const first = await run({ seed: 42, rechunk: { maxChunk: 50 } }, writes);
    const again = await run({ seed: 42, rechunk: { maxChunk: 50 } }, writes);
    const other = await run({ seed: 43, rechunk: { maxChunk: 50 } }, writes);
    expect(first.received).toEqual(first.data);
    expect(again.sizes).toEqual(first.sizes);
    expect(other.sizes).not.toEqual(first.sizes);
    expect(other.received).toEqual(first.data);
  });

  it('the same seed gives the same chunking under latency with jitter too', async () => {
    const faults = { seed: 7, rechunk: { maxChunk: 100 }, latency: { ms: 0, jitterMs: 2 } };
    const first = await run(faults, writes);
    const again = await run(faults, writes);
    expect(again.sizes).toEqual(first.sizes);
  });
});

describe('faults: rechunk', () => {
  it('splits writes into views of 1..maxChunk bytes without copying', async () => {
    const [a, b] = pair({ faults: { seed: 9, rechunk: { maxChunk: 5 } } });
    const buffer = pattern(200);
    await a.write(buffer);
    const closing = a.close();
    const chunks = await readChunks(b);
    expect(chunks.length).toBeGreaterThan(200 / 5 - 1);
    for (const c of chunks) {
      expect(c.length).toBeGreaterThanOrEqual(1);
      expect(c.length).toBeLessThanOrEqual(5);
      expect(c.buffer).toBe(buffer.buffer);
    }
    expect(concat(chunks)).toEqual(buffer);
    await Promise.all([closing, b.close()]);
  });

  it('maxChunk 1 delivers byte by byte', async () => {
    const { sizes, received, data } = await run({ rechunk: { maxChunk: 1 } }, [5, 3]);
    expect(sizes).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(received).toEqual(data);
  });
});

describe('faults: latency and bandwidth', () => {
  it('latency holds data back until the delay passed, in order', async () => {
    const [a, b] = pair({ faults: { latency: { ms: 30 } } });
    const first = pattern(3);
    const second = pattern(4, 3);
    const start = performance.now();
    await a.write(first);
    await a.write(second);
    const r1 = track(b.read());
    await settle();
    expect(r1.done).toBe(false);
    expect(a.queuedBytes).toBe(7);
    const closing = a.close();
    const chunks = await readChunks(b);
    expect(r1.done).toBe(true);
    // Timers do not fire early (by more than a millisecond): a lower bound holds on any machine.
    expect(performance.now() - start).toBeGreaterThanOrEqual(30 - 2);
    expect((r1.value as { value: unknown }).value).toBe(first);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toBe(second);
    await Promise.all([closing, b.close()]);
  });

  // Timers never fire before their time (up to 1 ms early on some runtimes),
  // so a lower bound on arrival times holds on any machine, however slow; a
  // bandwidth fault that does nothing delivers everything at once and fails.
  it('bandwidth paces delivery: each piece arrives no sooner than the link could carry it, complete', async () => {
    const bytesPerSecond = 200_000;
    const [a, b] = pair({ faults: { bandwidth: { bytesPerSecond } } });
    const writes = [pattern(4000, 0), pattern(4000, 1), pattern(4000, 2)];
    const start = performance.now();
    for (const w of writes) expect(await a.write(w)).toEqual({ ok: true, value: undefined });
    const closing = a.closeWrite();
    const arrivals: { readonly at: number; readonly chunk: Uint8Array }[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await b.read();
      if (!r.ok || r.value === EOF) break;
      arrivals.push({ at: performance.now() - start, chunk: r.value });
    }
    expect(arrivals.map((x) => x.chunk)).toEqual(writes);
    let sent = 0;
    for (const { at, chunk } of arrivals) {
      sent += chunk.length;
      // 4000 B at 200,000 B/s: 20, 40, 60 ms after the first write.
      expect(at).toBeGreaterThanOrEqual((sent * 1000) / bytesPerSecond - 2);
    }
    // Bounded above too, generously: a loaded machine is slow, not stuck.
    expect(arrivals.at(-1)!.at).toBeLessThan(5_000);
    expect(await closing).toEqual({ ok: true, value: undefined });
    b.abort();
  });

  it('abort clears pending latency timers (the leak check would fail otherwise)', async () => {
    const [a, b] = pair({ faults: { latency: { ms: 60_000 } } });
    await a.write(pattern(10));
    const reading = b.read();
    a.abort();
    expect(await reading).toMatchObject({ ok: false, error: { type: 'reset' } });
  });

  it('close resolves once end-of-stream has crossed the delay in both directions', async () => {
    const [a, b] = pair({ faults: { latency: { ms: 20 } } });
    await b.write(pattern(10));
    const start = performance.now();
    const closed = a.close().then(() => performance.now() - start);
    const [elapsed, , r] = await Promise.all([closed, b.close(), a.read()]);
    expect(elapsed).toBeGreaterThanOrEqual(20 - 2);
    expect(r.ok && r.value !== EOF && r.value.length).toBe(10);
    expect(await a.read()).toEqual({ ok: true, value: EOF });
  });
});

describe('faults: never change what is received (property)', () => {
  it('random writes under random rechunk/latency/bandwidth arrive byte-exact', async () => {
    const faultArb = fc.record(
      {
        seed: fc.integer(),
        rechunk: fc.record({ maxChunk: fc.integer({ min: 1, max: 64 }) }),
        latency: fc.record({ ms: fc.integer({ min: 0, max: 2 }), jitterMs: fc.integer({ min: 0, max: 2 }) }),
        bandwidth: fc.record({ bytesPerSecond: fc.integer({ min: 200_000, max: 10_000_000 }) }),
      },
      { requiredKeys: ['seed'] },
    );
    await fc.assert(
      fc.asyncProperty(
        faultArb,
        fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 512 }),
        async (faults, sizes, capacity) => {
          const [a, b] = pair({ faults, capacity });
          const total = sizes.reduce((s, n) => s + n, 0);
          const data = pattern(total, 11);
          const writer = (async () => {
            let offset = 0;
            for (const size of sizes) {
              const r = await a.write(data.subarray(offset, offset + size));
              if (!r.ok) return false;
              offset += size;
            }
            await a.close();
            return true;
          })();
          const received = concat(await readChunks(b, 100_000));
          await b.close();
          expect(await writer).toBe(true);
          checkBytes(received, data, 'random writes under faults');
        },
      ),
      { seed: 20_260_101, numRuns: 60 },
    );
  });
});

async function readUntilError(flow: Flow, maxReads = 10_000) {
  let bytes = 0;
  for (let i = 0; i < maxReads; i++) {
    const r = await flow.read();
    if (!r.ok) return { bytes, error: r.error };
    if (r.value === EOF) return { bytes, error: undefined };
    bytes += r.value.length;
  }
  throw new Error('reader never stopped');
}

describe('faults: resetAfter', () => {
  it('resets both ends after exactly that many bytes were read, over both directions', async () => {
    const [a, b] = pair({ faults: { resetAfter: 150 } });
    await a.write(pattern(100));
    await b.write(pattern(100));
    const first = await b.read();
    expect(first.ok && first.value !== EOF && first.value.length).toBe(100);
    const rest = await readUntilError(a);
    expect(rest.bytes).toBe(50);
    expect(rest.error).toMatchObject({ type: 'reset' });
    expect(rest.error?.message).toMatch(/resetAfter/);
    expect(await b.read()).toMatchObject({ ok: false, error: { type: 'reset' } });
    expect(await a.write(pattern(1))).toMatchObject({ ok: false, error: { type: 'closed' } });
    expect(await b.write(pattern(1))).toMatchObject({ ok: false, error: { type: 'closed' } });
    expect([a.state, b.state]).toEqual(['closed', 'closed']);
    expect([a.readHalf, b.readHalf, a.writeHalf, b.writeHalf]).toEqual([
      'failed',
      'failed',
      'failed',
      'failed',
    ]);
    await a.close(); // resolves at once after a reset
  });

  it('a pending read on the other end and a pending close resolve on the reset', async () => {
    const [a, b] = pair({ faults: { resetAfter: 10 } });
    const waiting = a.read();
    await a.write(pattern(20));
    const closing = a.close();
    const r = await b.read();
    expect(r.ok && r.value !== EOF && r.value.length).toBe(10);
    expect(await waiting).toMatchObject({ ok: false, error: { type: 'reset' } });
    await closing;
  });

  // Regression: once both directions had ended, the ends were `closed` and
  // ignored the fault's reset, so the read after the spent budget waited
  // forever. Microtask-bounded: a hang fails the test instead of stalling it.
  it('fires even after both ends closed: the read after the spent budget resolves reset', async () => {
    const [a, b] = pair({ faults: { resetAfter: 6, rechunk: { maxChunk: 3 } } });
    await a.write(pattern(1));
    const aClosing = a.close();
    await b.write(pattern(10));
    const bClosing = b.close();
    await Promise.all([aClosing, bClosing]);
    expect([a.state, b.state]).toEqual(['closed', 'closed']);
    const first = await b.read();
    expect(first.ok && first.value !== EOF && first.value.length).toBe(1);
    expect(await b.read()).toEqual({ ok: true, value: EOF });
    let got = 0;
    let end: unknown = 'pending';
    for (let i = 0; i < 10 && end === 'pending'; i++) {
      const r = track(a.read());
      await settle();
      if (!r.done) break;
      const v = r.value!;
      if (!v.ok) end = v.error.type;
      else if (v.value === EOF) end = 'EOF';
      else got += v.value.length;
    }
    expect({ got, end }).toEqual({ got: 5, end: 'reset' });
    expect(await b.read()).toMatchObject({ ok: false, error: { type: 'reset' } });
    expect(await a.write(pattern(1))).toMatchObject({ ok: false, error: { type: 'closed' } });
    expect([a.readHalf, b.readHalf]).toEqual(['failed', 'failed']);
    expect(a.queuedBytes + b.queuedBytes).toBe(0);
  }, 5_000);

  it('fires after EOF on the reading end too, and settles every read waiting then', async () => {
    const [a, b] = pair({ faults: { resetAfter: 4, rechunk: { maxChunk: 1 } } });
    await b.write(pattern(8));
    await Promise.all([a.close(), b.close()]);
    expect(await b.read()).toEqual({ ok: true, value: EOF });
    const reads = [track(a.read()), track(a.read()), track(a.read()), track(a.read()), track(a.read())];
    await settle();
    expect(reads.map((r) => r.done)).toEqual([true, true, true, true, true]);
    expect(reads.map((r) => (r.value?.ok ? 'data' : r.value?.error.type))).toEqual([
      'data',
      'data',
      'data',
      'data',
      'reset',
    ]);
    expect(await b.read()).toMatchObject({ ok: false, error: { type: 'reset' } });
  }, 5_000);

  it('resetAfter 0 resets the connection at once', async () => {
    const [a, b] = pair({ faults: { resetAfter: 0 } });
    expect(await a.read()).toMatchObject({ ok: false, error: { type: 'reset' } });
    expect(await b.write(pattern(1))).toMatchObject({ ok: false, error: { type: 'closed' } });
  });
});

describe('faults: stall', () => {
  it('stall: true accepts writes up to capacity, then the writer waits until aborted', async () => {
    const [a, b] = pair({ capacity: 100, faults: { stall: true } });
    let accepted = 0;
    let blocked: { readonly done: boolean; readonly value: unknown } | undefined;
    for (let i = 0; i < 50 && blocked === undefined; i++) {
      const w = track(a.write(pattern(25)));
      await settle(3);
      if (w.done) accepted++;
      else blocked = w;
    }
    expect(accepted).toBe(4);
    expect(blocked).toBeDefined();
    const controller = new AbortController();
    const read = b.read({ signal: controller.signal });
    await settle();
    controller.abort();
    expect(await read).toMatchObject({ ok: false, error: { type: 'aborted' } });
    a.abort();
    await settle();
    expect(blocked?.done).toBe(true);
    expect(blocked?.value).toMatchObject({ ok: false, error: { type: 'closed' } });
  });

  it('stall after N bytes: the reader gets exactly N bytes, then waits; close({ signal }) ends it', async () => {
    const [a, b] = pair({ faults: { stall: { afterBytes: 30 } } });
    await a.write(pattern(100));
    const r = await b.read();
    expect(r.ok && r.value !== EOF && r.value.length).toBe(30);
    const controller = new AbortController();
    const next = b.read({ signal: controller.signal });
    controller.abort();
    expect(await next).toMatchObject({ ok: false, error: { type: 'aborted' } });
    // The stalled end's close waits (its remote's EOF never gets through)
    // until the signal fires: then the flow is aborted.
    const c = new AbortController();
    const closing = track(a.close({ signal: c.signal }));
    await settle();
    expect(closing.done).toBe(false);
    c.abort();
    await settle();
    expect(closing.done).toBe(true);
    expect([a.state, b.state]).toEqual(['closed', 'closed']);
    expect(await a.read()).toMatchObject({ ok: false, error: { type: 'aborted' } });
    expect(await b.read()).toMatchObject({ ok: false, error: { type: 'reset' } });
  });
});
