// Edges of the flow and its pipe that the behaviour tests elsewhere pass
// through without pinning: the errors abort reports, which end a late abort
// tears down, and what a write or writev owes the reader and the caller.
import { EOF } from '@flowkit/flow-types';
import { describe, expect, it } from 'vitest';
import { pair } from '../src/index.js';
import { pattern, settle, track } from './helpers.js';

describe('abort: the errors each end reports', () => {
  it('this end reads aborted, the remote reads reset, writes here are closed, all with the reason as cause', async () => {
    const [a, b] = pair();
    const why = new Error('stop');
    a.abort(why);
    expect(await a.read()).toEqual({
      ok: false,
      error: { type: 'aborted', message: 'flow was aborted', cause: why },
    });
    expect(await b.read()).toEqual({
      ok: false,
      error: { type: 'reset', message: 'connection reset: the remote end aborted', cause: why },
    });
    const w = await a.write(pattern(1));
    expect(w).toMatchObject({
      ok: false,
      error: { type: 'closed', message: 'flow was aborted', cause: why },
    });
  });

  it('without a reason the errors carry no cause field at all', async () => {
    const [a, b] = pair();
    a.abort();
    const mine = await a.read();
    const theirs = await b.read();
    expect(!mine.ok && Object.keys(mine.error)).toEqual(['type', 'message']);
    expect(!theirs.ok && Object.keys(theirs.error)).toEqual(['type', 'message']);
  });

  it('after the remote ended its side only, an abort still resets the remote', async () => {
    const [a, b] = pair();
    expect((await b.closeWrite()).ok).toBe(true);
    expect(await a.read()).toEqual({ ok: true, value: EOF });
    a.abort();
    expect(await b.read()).toMatchObject({ ok: false, error: { type: 'reset' } });
  });

  it('a close({ signal }) after the close already resolved does not abort the flow later', async () => {
    const [a, b] = pair();
    await Promise.all([a.close(), b.close()]);
    const controller = new AbortController();
    await a.close({ signal: controller.signal });
    controller.abort(new Error('late'));
    expect(await a.read()).toEqual({ ok: true, value: EOF });
    expect(a.readHalf).toBe('eof');
  });

  it('close with a signal that is not an AbortSignal throws a TypeError naming close', () => {
    const [a, b] = pair();
    expect(() => a.close({ signal: 'soon' } as never)).toThrow(/^close: /);
    a.abort();
    b.abort();
  });

  it('an abort after closeWrite completed leaves the write half closed, not failed', async () => {
    const [a, b] = pair();
    expect((await a.closeWrite()).ok).toBe(true);
    a.abort();
    expect(a.writeHalf).toBe('closed');
    expect(await a.closeWrite()).toEqual({ ok: true, value: undefined });
    b.abort();
  });
});

describe('write and writev edges', () => {
  it('a write after closeWrite is closed, saying so', async () => {
    const [a, b] = pair();
    await a.closeWrite();
    expect(await a.write(pattern(1))).toMatchObject({
      ok: false,
      error: { type: 'closed', message: 'write after closeWrite' },
    });
    b.abort();
  });

  it('a zero-length write succeeds at once even while the direction is full', async () => {
    const [a, b] = pair({ capacity: 4 });
    await a.write(pattern(4));
    const waiting = track(a.write(pattern(4)));
    const empty = track(a.write(new Uint8Array(0)));
    await settle();
    expect([waiting.done, empty.done]).toEqual([false, true]);
    a.abort();
    b.abort();
  });

  it('writev: empty buffers among others never reach the reader as zero-length reads', async () => {
    const [a, b] = pair();
    const big = pattern(2048);
    expect((await a.writev([big, new Uint8Array(0), pattern(2048, 1), new Uint8Array(0)])).ok).toBe(true);
    await a.closeWrite();
    const sizes: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await b.read();
      if (!r.ok || r.value === EOF) break;
      sizes.push(r.value.length);
    }
    expect(sizes).toEqual([2048, 2048]);
  });

  it('writev waiting for capacity keeps the buffers it was given, whatever the caller does to its array', async () => {
    const [a, b] = pair({ capacity: 2 });
    await a.write(pattern(2));
    const list = [pattern(3, 10), pattern(3, 20)];
    const writing = a.writev(list);
    list.length = 0;
    list.push(pattern(1, 99));
    const ending = a.closeWrite();
    const got: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await b.read();
      if (!r.ok || r.value === EOF) break;
      got.push(...r.value);
    }
    expect((await writing).ok).toBe(true);
    expect((await ending).ok).toBe(true);
    expect(got).toEqual([...pattern(2), ...pattern(3, 10), ...pattern(3, 20)]);
    a.abort();
    b.abort();
  });

  it('under a stall fault the read half is eof once the end arrived, though the reader never sees it', async () => {
    const [a, b] = pair({ faults: { stall: true } });
    expect((await a.closeWrite()).ok).toBe(true);
    expect(b.readHalf).toBe('eof');
    a.abort();
    b.abort();
  });
});
