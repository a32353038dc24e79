import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPACITY, pair } from '../src/index.js';
import { pattern, settle, track } from './helpers.js';

/** Writes `chunk` until a write stays pending; returns how many were accepted. */
async function fillUntilBlocked(write: () => Promise<unknown>, limit: number) {
  for (let accepted = 0; accepted < limit; accepted++) {
    const w = track(write());
    await settle(3);
    if (!w.done) return { accepted, blocked: w };
  }
  throw new Error(`writer never blocked after ${limit} writes`);
}

describe('backpressure', () => {
  it('a writer that never gets read stalls once the default 64 KiB capacity is reached', async () => {
    const [a, b] = pair();
    const chunk = pattern(1000);
    const { accepted } = await fillUntilBlocked(() => a.write(chunk), 1000);
    // Accepted while below capacity: ceil(65536 / 1000) writes.
    expect(accepted).toBe(Math.ceil(DEFAULT_CAPACITY / 1000));
    expect(a.queuedBytes).toBe(accepted * 1000);
    expect(a.queuedBytes).toBeLessThan(DEFAULT_CAPACITY + 1000);
    a.abort();
    expect(b.state).toBe('closed');
    expect(await b.read()).toMatchObject({ ok: false, error: { type: 'reset' } });
  });

  it('honours a custom capacity, and reading below it admits the waiting write', async () => {
    const [a, b] = pair({ capacity: 100 });
    const { accepted, blocked } = await fillUntilBlocked(() => a.write(pattern(30)), 100);
    expect(accepted).toBe(4); // 0, 30, 60, 90 queued bytes were below 100
    expect(a.queuedBytes).toBe(120);
    const r = await b.read(); // merges the small queued chunks
    expect(r.ok).toBe(true);
    await settle();
    expect(blocked.done).toBe(true);
    expect(blocked.value).toEqual({ ok: true, value: undefined });
    expect(a.queuedBytes).toBe(30);
    a.abort();
  });

  it('a write bigger than the capacity is accepted whole into an empty direction', async () => {
    const [a, b] = pair({ capacity: 10 });
    const big = pattern(1000);
    expect(await a.write(big)).toEqual({ ok: true, value: undefined });
    const next = track(a.write(pattern(1)));
    await settle();
    expect(next.done).toBe(false);
    const r = await b.read();
    expect(r.ok && r.value).toBe(big);
    await settle();
    expect(next.done).toBe(true);
    a.abort();
  });

  it('a writer that awaits each write never has more than capacity + one chunk queued', async () => {
    const [a, b] = pair({ capacity: 1024 });
    let maxQueued = 0;
    const writer = (async () => {
      for (let i = 0; i < 500; i++) {
        const r = await a.write(pattern(100 + (i % 300)));
        if (!r.ok) return;
        maxQueued = Math.max(maxQueued, a.queuedBytes);
      }
      await a.close();
    })();
    let received = 0;
    for (let i = 0; i < 10_000; i++) {
      const r = await b.read();
      if (!r.ok || typeof r.value === 'symbol') break;
      received += r.value.length;
      if (i % 3 === 0) await settle(5); // a slow reader
    }
    await b.close();
    await writer;
    expect(received).toBe(a.bytesWritten);
    expect(maxQueued).toBeGreaterThan(0);
    expect(maxQueued).toBeLessThan(1024 + 400);
  });

  it('each direction has its own capacity', async () => {
    const [a, b] = pair({ capacity: 10 });
    await fillUntilBlocked(() => a.write(pattern(5)), 10);
    expect((await b.write(pattern(5))).ok).toBe(true);
    expect(b.queuedBytes).toBe(5);
    a.abort();
  });
});
