import { EOF, type FlowError } from '@flowkit/flow-types';
import { describe, expect, it } from 'vitest';
import { ReadQueue } from '../src/index.js';

const bytes = (...v: number[]) => new Uint8Array(v);
const reset: FlowError = { type: 'reset', message: 'reset' };
const aborted: FlowError = { type: 'aborted', message: 'aborted' };

describe('ReadQueue', () => {
  it('hands the very chunk to a waiting read, and queues in order otherwise', async () => {
    const q = new ReadQueue();
    const waiting = q.read();
    const a = bytes(1);
    q.push(a);
    expect(await waiting).toEqual({ ok: true, value: a });
    expect((await waiting).ok && ((await waiting) as { value: unknown }).value).toBe(a);
    const b = bytes(2);
    const c = bytes(3);
    q.push(b);
    q.push(c);
    expect(q.queuedBytes).toBe(2);
    expect((await q.read()) as unknown).toEqual({ ok: true, value: b });
    expect((await q.read()) as unknown).toEqual({ ok: true, value: c });
  });

  it('serves concurrent reads in call order', async () => {
    const q = new ReadQueue();
    const reads = [q.read(), q.read(), q.read()];
    expect(q.waiting).toBe(3);
    q.push(bytes(1));
    q.push(bytes(2));
    q.end();
    const got = await Promise.all(reads);
    expect(got.map((r) => (r.ok ? r.value : r.error))).toEqual([bytes(1), bytes(2), EOF]);
  });

  it('after end: queued data, then EOF forever; later pushes are refused', async () => {
    const q = new ReadQueue();
    q.push(bytes(1, 2));
    q.end();
    expect(q.push(bytes(9))).toBe(false);
    expect(await q.read()).toEqual({ ok: true, value: bytes(1, 2) });
    for (let i = 0; i < 3; i++) expect(await q.read()).toEqual({ ok: true, value: EOF });
    expect(q.state).toBe('eof');
  });

  it('after fail: queued data, then the error forever', async () => {
    const q = new ReadQueue();
    q.push(bytes(1));
    q.fail(reset);
    expect(await q.read()).toEqual({ ok: true, value: bytes(1) });
    expect(await q.read()).toEqual({ ok: false, error: reset });
    expect(await q.read()).toEqual({ ok: false, error: reset });
  });

  it('abort drops queued data and wins even after EOF; an earlier failure keeps its error', async () => {
    const q = new ReadQueue();
    q.push(bytes(1));
    q.end();
    q.abort(aborted);
    expect(q.queuedBytes).toBe(0);
    expect(await q.read()).toEqual({ ok: false, error: aborted });
    const failed = new ReadQueue();
    failed.fail(reset);
    failed.abort(aborted);
    expect(await failed.read()).toEqual({ ok: false, error: reset });
  });

  it('abort settles waiting reads', async () => {
    const q = new ReadQueue();
    const r = q.read();
    q.abort(aborted);
    expect(await r).toEqual({ ok: false, error: aborted });
  });

  it('a read cancelled by its signal resolves aborted and loses nothing', async () => {
    const q = new ReadQueue();
    const ac = new AbortController();
    const cancelled = q.read({ signal: ac.signal });
    const next = q.read();
    ac.abort('enough');
    const r = await cancelled;
    expect(r).toMatchObject({ ok: false, error: { type: 'aborted', cause: 'enough' } });
    q.push(bytes(7));
    expect(await next).toEqual({ ok: true, value: bytes(7) });
    expect(q.waiting).toBe(0);
  });

  it('a read cancelled anywhere in the line leaves the others waiting in call order', async () => {
    const q = new ReadQueue();
    const second = new AbortController();
    const third = new AbortController();
    const fourth = new AbortController();
    const reads = [q.read(), q.read({ signal: second.signal }), q.read({ signal: third.signal })];
    const last = q.read({ signal: fourth.signal });
    expect(q.waiting).toBe(4);
    third.abort('middle');
    fourth.abort('last');
    expect(q.waiting).toBe(2);
    expect(await reads[2]).toMatchObject({ ok: false, error: { cause: 'middle' } });
    expect(await last).toMatchObject({ ok: false, error: { cause: 'last' } });
    q.push(bytes(1));
    q.push(bytes(2));
    expect(await reads[0]).toEqual({ ok: true, value: bytes(1) });
    expect(await reads[1]).toEqual({ ok: true, value: bytes(2) });
    // The signal of a read already served changes nothing: the next chunk stays queued.
    second.abort();
    q.push(bytes(3));
    expect(q.queuedBytes).toBe(1);
    expect(q.waiting).toBe(0);
    // Waiting again after the line emptied: the first in line is served first.
    const again = [q.read(), q.read()];
    expect(again).toHaveLength(2);
    expect(q.waiting).toBe(1);
    q.push(bytes(4));
    expect(await Promise.all(again)).toEqual([
      { ok: true, value: bytes(3) },
      { ok: true, value: bytes(4) },
    ]);
  });

  it('an already-aborted signal cancels at once, even with data queued, and keeps the data', async () => {
    const q = new ReadQueue();
    q.push(bytes(5));
    const r = await q.read({ signal: AbortSignal.abort() });
    expect(r.ok).toBe(false);
    expect(await q.read()).toEqual({ ok: true, value: bytes(5) });
  });

  it('a signal that is not an AbortSignal throws a TypeError naming it at the call; the queue is untouched', async () => {
    const q = new ReadQueue();
    q.push(bytes(3));
    for (const signal of ['abc', 1, {}, { aborted: false }, null]) {
      expect(() => q.read({ signal: signal as never })).toThrow(
        /^read: options\.signal must be an AbortSignal/,
      );
    }
    expect(q.waiting).toBe(0);
    expect(await q.read()).toEqual({ ok: true, value: bytes(3) });
  });

  it('calls onTake with the bytes still queued', async () => {
    const seen: number[] = [];
    const q = new ReadQueue({ onTake: (n) => seen.push(n) });
    q.push(bytes(1, 2));
    q.push(bytes(3));
    await q.read();
    await q.read();
    expect(seen).toEqual([1, 0]);
  });

  it('keeps order across a long queue (compaction)', async () => {
    const q = new ReadQueue();
    const n = 5000;
    for (let i = 0; i < n; i++) q.push(bytes(i & 255, i >> 8));
    for (let i = 0; i < n; i++) {
      const r = await q.read();
      expect(r.ok && r.value).toEqual(bytes(i & 255, i >> 8));
    }
    expect(q.queuedBytes).toBe(0);
  });

  it('ignores empty chunks: reads never return zero bytes', async () => {
    const q = new ReadQueue();
    const r = q.read();
    q.push(new Uint8Array(0));
    q.push(bytes(1));
    expect(await r).toEqual({ ok: true, value: bytes(1) });
  });
});
