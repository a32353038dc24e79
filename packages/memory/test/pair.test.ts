import { EOF } from '@flowkit/flow-types';
import { describe, expect, it } from 'vitest';
import { pair } from '../src/index.js';
import { checkBytes, concat, pattern, readChunks, settle, track } from './helpers.js';

describe('pair: data', () => {
  it('hands the very buffer of a single write to a waiting reader (zero-copy)', async () => {
    const [a, b] = pair();
    const pending = b.read();
    const buffer = pattern(10);
    expect(await a.write(buffer)).toEqual({ ok: true, value: undefined });
    const r = await pending;
    expect(r.ok && r.value).toBe(buffer);
  });

  it('hands the very buffer of a single queued write to a later reader', async () => {
    const [a, b] = pair();
    const buffer = pattern(5000);
    await a.write(buffer);
    const r = await b.read();
    expect(r.ok && r.value).toBe(buffer);
  });

  it('merges several small queued writes into one read, in order', async () => {
    const [a, b] = pair();
    const parts = [pattern(16, 0), pattern(16, 16), pattern(16, 32)];
    for (const p of parts) await a.write(p);
    const r = await b.read();
    expect(r.ok && r.value !== EOF && Array.from(r.value)).toEqual(Array.from(pattern(48)));
  });

  it('hands large queued writes over one by one, as is', async () => {
    const [a, b] = pair();
    const big1 = pattern(2048);
    const big2 = pattern(2048, 7);
    await a.write(big1);
    await a.write(big2);
    const r1 = await b.read();
    const r2 = await b.read();
    expect(r1.ok && r1.value).toBe(big1);
    expect(r2.ok && r2.value).toBe(big2);
  });

  it('moves a MiB in mixed chunk sizes byte-exact', async () => {
    const [a, b] = pair({ capacity: 4096 });
    const data = pattern(1 << 20, 3);
    const sizes = [1, 7, 100, 1023, 1024, 5000, 65536];
    const writer = (async () => {
      let offset = 0;
      for (let i = 0; offset < data.length; i++) {
        const size = sizes[i % sizes.length]!;
        const r = await a.write(data.subarray(offset, offset + size));
        expect(r.ok).toBe(true);
        offset += size;
      }
      await a.close();
    })();
    const received = concat(await readChunks(b));
    await b.close();
    await writer;
    checkBytes(received, data, 'a MiB in mixed chunk sizes');
    expect(a.bytesWritten).toBe(data.length);
    expect(b.bytesRead).toBe(data.length);
  });

  it('zero-length write and empty writev succeed and send nothing', async () => {
    const [a, b] = pair();
    expect((await a.write(new Uint8Array(0))).ok).toBe(true);
    expect((await a.writev([])).ok).toBe(true);
    expect((await a.writev([new Uint8Array(0), new Uint8Array(0)])).ok).toBe(true);
    expect(a.bytesWritten).toBe(0);
    expect(a.queuedBytes).toBe(0);
    const closing = a.close();
    const r = await b.read();
    expect(r).toEqual({ ok: true, value: EOF });
    await Promise.all([closing, b.close()]);
  });

  it('writev keeps the order of its buffers and skips empty ones', async () => {
    const [a, b] = pair();
    await a.writev([pattern(3, 0), new Uint8Array(0), pattern(2000, 3), pattern(4, 2003)]);
    const closing = a.close();
    expect(concat(await readChunks(b))).toEqual(pattern(2007));
    await Promise.all([closing, b.close()]);
    expect(a.bytesWritten).toBe(2007);
  });

  it('concurrent writes keep call order, also when they wait for capacity', async () => {
    const [a, b] = pair({ capacity: 10 });
    const writes = [];
    for (let i = 0; i < 20; i++) writes.push(a.write(pattern(4, i * 4)));
    writes.push(a.writev([pattern(4, 80), pattern(4, 84)]));
    const closing = a.close();
    const received = concat(await readChunks(b));
    expect(received).toEqual(pattern(88));
    for (const w of await Promise.all(writes)) expect(w.ok).toBe(true);
    await Promise.all([closing, b.close()]);
  });

  it('concurrent reads are served in call order', async () => {
    const [a, b] = pair();
    const r1 = b.read();
    const r2 = b.read();
    const one = pattern(2000);
    const two = pattern(2000, 1);
    await a.write(one);
    await a.write(two);
    const v1 = await r1;
    const v2 = await r2;
    expect(v1.ok && v1.value).toBe(one);
    expect(v2.ok && v2.value).toBe(two);
  });
});

describe('pair: close', () => {
  it('half-close: the remote reads queued data, then EOF forever, and can still write back', async () => {
    const [a, b] = pair();
    await a.write(pattern(3));
    const closing = track(a.close());
    expect(a.state).toBe('write-closed');
    expect(b.state).toBe('read-done');
    const r1 = await b.read();
    expect(r1.ok && r1.value !== EOF && Array.from(r1.value)).toEqual([0, 1, 2]);
    expect(await b.read()).toEqual({ ok: true, value: EOF });
    expect(await b.read()).toEqual({ ok: true, value: EOF });
    const reply = pattern(4, 9);
    expect((await b.write(reply)).ok).toBe(true);
    const back = await a.read();
    expect(back.ok && back.value).toBe(reply);
    await settle();
    expect(closing.done).toBe(false);
    await b.close();
    await settle();
    expect(closing.done).toBe(true);
    expect(a.state).toBe('closed');
    expect(b.state).toBe('closed');
  });

  it('close resolves only after the remote closes, and every call resolves at the same moment', async () => {
    const [a, b] = pair();
    const order: string[] = [];
    const c1 = a.close().then(() => order.push('a1'));
    const c2 = a.close().then(() => order.push('a2'));
    expect(a.close()).toBe(a.close());
    await settle();
    expect(order).toEqual([]);
    await b.close();
    await Promise.all([c1, c2]);
    expect(order).toEqual(['a1', 'a2']);
    await a.close();
  });

  it('unread data stays readable after both ends closed', async () => {
    const [a, b] = pair();
    const buffer = pattern(2000);
    await a.write(buffer);
    await Promise.all([a.close(), b.close()]);
    expect(b.state).toBe('closed');
    const r = await b.read();
    expect(r.ok && r.value).toBe(buffer);
    expect(await b.read()).toEqual({ ok: true, value: EOF });
  });

  it('write after close resolves closed', async () => {
    const [a, b] = pair();
    void a.close();
    expect(await a.write(pattern(1))).toMatchObject({ ok: false, error: { type: 'closed' } });
    expect(await a.writev([pattern(1)])).toMatchObject({ ok: false, error: { type: 'closed' } });
    expect(await a.write(new Uint8Array(0))).toMatchObject({ ok: false, error: { type: 'closed' } });
    await b.close();
  });

  it('close flushes writes still waiting for capacity before EOF', async () => {
    const [a, b] = pair({ capacity: 4 });
    const w1 = a.write(pattern(4));
    const w2 = a.write(pattern(4, 4));
    const w3 = a.write(pattern(4, 8));
    const closing = a.close();
    await settle();
    expect(a.queuedBytes).toBe(4);
    const received = concat(await readChunks(b));
    expect(received).toEqual(pattern(12));
    expect((await w2).ok && (await w3).ok && (await w1).ok).toBe(true);
    await Promise.all([closing, b.close()]);
  });

  it('close({ signal }) aborts the flow when the signal fires first', async () => {
    const [a, b] = pair();
    const controller = new AbortController();
    const closing = track(a.close({ signal: controller.signal }));
    await settle();
    expect(closing.done).toBe(false);
    controller.abort(new Error('gave up'));
    await settle();
    expect(closing.done).toBe(true);
    expect([a.state, b.state]).toEqual(['closed', 'closed']);
    expect(await a.read()).toMatchObject({ ok: false, error: { type: 'aborted' } });
    expect(await b.read()).toMatchObject({ ok: false, error: { type: 'reset' } });
  });

  it('close with an already-fired signal aborts at once', async () => {
    const [a, b] = pair();
    await a.close({ signal: AbortSignal.abort('now') });
    expect([a.state, b.state]).toEqual(['closed', 'closed']);
    expect(await a.read()).toMatchObject({ ok: false, error: { type: 'aborted', cause: 'now' } });
    expect(await b.read()).toMatchObject({ ok: false, error: { type: 'reset' } });
  });
});

describe('pair: read cancellation', () => {
  it('a read cancelled by its signal resolves aborted, loses nothing, and the flow stays usable', async () => {
    const [a, b] = pair();
    const controller = new AbortController();
    const cancelled = b.read({ signal: controller.signal });
    controller.abort('stop');
    expect(await cancelled).toMatchObject({ ok: false, error: { type: 'aborted', cause: 'stop' } });
    const buffer = pattern(3);
    await a.write(buffer);
    const r = await b.read();
    expect(r.ok && r.value).toBe(buffer);
    expect(b.state).toBe('open');
  });

  it('cancelling one of two pending reads passes data to the other', async () => {
    const [a, b] = pair();
    const controller = new AbortController();
    const first = b.read({ signal: controller.signal });
    const second = b.read();
    controller.abort();
    const buffer = pattern(3);
    await a.write(buffer);
    expect((await first).ok).toBe(false);
    const r = await second;
    expect(r.ok && r.value).toBe(buffer);
  });

  it('an already-aborted signal resolves at once even with data queued, which stays queued', async () => {
    const [a, b] = pair();
    const buffer = pattern(3);
    await a.write(buffer);
    expect(await b.read({ signal: AbortSignal.abort() })).toMatchObject({
      ok: false,
      error: { type: 'aborted' },
    });
    const r = await b.read();
    expect(r.ok && r.value).toBe(buffer);
  });

  it('a signal that fires after the read got data changes nothing', async () => {
    const [a, b] = pair();
    const controller = new AbortController();
    const reading = b.read({ signal: controller.signal });
    const buffer = pattern(3);
    await a.write(buffer);
    const r = await reading;
    controller.abort();
    expect(r.ok && r.value).toBe(buffer);
    const next = pattern(4);
    await a.write(next);
    const r2 = await b.read();
    expect(r2.ok && r2.value).toBe(next);
  });

  it('a read cancelled while small data waits to be merged loses nothing', async () => {
    const [a, b] = pair();
    const controller = new AbortController();
    const reading = b.read({ signal: controller.signal });
    const buffer = pattern(3);
    await a.write(buffer); // accepted at once; the waiting read is served a microtask or two later
    controller.abort();
    const r = await reading;
    if (r.ok) {
      expect(r.value).toBe(buffer); // served before the signal fired
    } else {
      expect(r.error.type).toBe('aborted');
      const again = await b.read();
      expect(again.ok && again.value).toBe(buffer);
    }
  });
});

describe('pair: abort', () => {
  it('local reads resolve aborted with the reason, remote reads reset, writes closed on both ends', async () => {
    const [a, b] = pair();
    const localRead = a.read();
    const remoteRead = b.read();
    const reason = new Error('bye');
    a.abort(reason);
    expect(await localRead).toMatchObject({ ok: false, error: { type: 'aborted', cause: reason } });
    expect(await remoteRead).toMatchObject({ ok: false, error: { type: 'reset' } });
    expect(await a.read()).toMatchObject({ ok: false, error: { type: 'aborted' } });
    expect(await b.read()).toMatchObject({ ok: false, error: { type: 'reset' } });
    expect(await a.write(pattern(1))).toMatchObject({ ok: false, error: { type: 'closed' } });
    expect(await b.write(pattern(1))).toMatchObject({ ok: false, error: { type: 'closed' } });
    expect([a.state, b.state]).toEqual(['closed', 'closed']);
    expect([a.writeHalf, b.writeHalf]).toEqual(['failed', 'failed']);
    a.abort();
    b.abort();
    // The first failure stays: b was reset before it aborted.
    expect(await b.read()).toMatchObject({ ok: false, error: { type: 'reset' } });
  });

  it('the remote loses its queued data (like a TCP reset)', async () => {
    const [a, b] = pair();
    await a.write(pattern(100));
    a.abort();
    expect(await b.read()).toMatchObject({ ok: false, error: { type: 'reset' } });
    expect(a.queuedBytes).toBe(0);
  });

  it('pending writes on both ends resolve closed, pending closes resolve', async () => {
    const [a, b] = pair({ capacity: 1 });
    await a.write(pattern(1));
    await b.write(pattern(1));
    const aWaiting = a.write(pattern(1));
    const bWaiting = b.write(pattern(1));
    const aClosing = a.close();
    const bClosing = track(b.close());
    await settle();
    expect(bClosing.done).toBe(false);
    b.abort('x');
    expect(await aWaiting).toMatchObject({ ok: false, error: { type: 'closed' } });
    expect(await bWaiting).toMatchObject({ ok: false, error: { type: 'closed' } });
    await aClosing;
    await settle();
    expect(bClosing.done).toBe(true);
  });

  it('abort after a clean close affects only the local end', async () => {
    const [a, b] = pair();
    const buffer = pattern(2000);
    await a.write(buffer);
    await Promise.all([a.close(), b.close()]);
    a.abort();
    expect(await a.read()).toMatchObject({ ok: false, error: { type: 'aborted' } });
    const r = await b.read();
    expect(r.ok && r.value).toBe(buffer);
    expect(b.state).toBe('closed');
  });
});

describe('pair: options', () => {
  it.each([
    [{ capacity: 0 }, /capacity/],
    [{ capacity: -5 }, /capacity/],
    [{ capacity: Number.NaN }, /capacity/],
    [{ capacity: 1.5 }, /capacity/],
    [{ faults: { latency: { ms: -1 } } }, /faults\.latency\.ms/],
    [{ faults: { latency: { ms: 1, jitterMs: -1 } } }, /faults\.latency\.jitterMs/],
    [{ faults: { bandwidth: { bytesPerSecond: 0 } } }, /faults\.bandwidth\.bytesPerSecond/],
    [{ faults: { resetAfter: -1 } }, /faults\.resetAfter/],
    [{ faults: { rechunk: { maxChunk: 0 } } }, /faults\.rechunk\.maxChunk/],
    [{ faults: { stall: { afterBytes: -1 } } }, /faults\.stall\.afterBytes/],
    [{ faults: { stall: 'yes' } }, /faults\.stall/],
    [{ faults: { jitter: 3 } }, /faults\.jitter is not a known fault/],
    [{ faults: { seed: 1.5 } }, /faults\.seed/],
  ])('pair(%j) throws a TypeError naming the option', (options, message) => {
    expect(() => pair(options as never)).toThrow(TypeError);
    expect(() => pair(options as never)).toThrow(message);
  });
});

describe('pair: merging small writes', () => {
  it('a stream of tiny writes arrives byte-exact in few reads of at most 16 KiB', async () => {
    const [a, b] = pair();
    const data = pattern(40_000, 1);
    const writer = (async () => {
      for (let offset = 0; offset < data.length; offset += 16) {
        const r = await a.write(data.subarray(offset, offset + 16));
        expect(r.ok).toBe(true);
      }
      await a.close();
    })();
    const chunks = await readChunks(b);
    await Promise.all([writer, b.close()]);
    checkBytes(concat(chunks), data, 'tiny writes');
    expect(chunks.length).toBeLessThan(data.length / 16 / 10);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(16 * 1024);
  });

  it('a large write after small ones keeps its identity and its place', async () => {
    const [a, b] = pair();
    const big = pattern(4096, 100);
    await a.write(pattern(5, 0));
    await a.write(pattern(5, 5));
    await a.write(big);
    await a.write(pattern(3, 10));
    const closing = a.close();
    const chunks = await readChunks(b);
    await Promise.all([closing, b.close()]);
    expect(chunks.map((c) => c.length)).toEqual([10, 4096, 3]);
    expect(chunks[1]).toBe(big);
    expect(Array.from(chunks[0]!)).toEqual(Array.from(pattern(10)));
  });
});
