// The pipe on its own, without stages: a plain bounded pipe. Merging small
// writes and faults are stages around it (merge.ts, rechunk.ts, delay.ts,
// budget.ts), so none of that may happen here.
import { EOF } from '@flowkit/flow-types';
import { describe, expect, it } from 'vitest';
import { Pipe } from '../src/pipe.js';
import { pattern, settle, track } from './helpers.js';

const bare = (capacity: number) => new Pipe({ capacity, stages: (outlet) => outlet });

describe('Pipe without stages', () => {
  it('hands each write to the reader as the very buffer, small ones too (no merging in the pipe)', async () => {
    const pipe = bare(1024);
    const parts = [pattern(3), pattern(5, 3), pattern(7, 8)];
    for (const p of parts) expect(await pipe.write(p, p.length)).toEqual({ ok: true, value: undefined });
    for (const p of parts) {
      const r = await pipe.read();
      expect(r.ok && r.value).toBe(p);
    }
    expect([pipe.accepted, pipe.delivered, pipe.queuedBytes]).toEqual([15, 15, 0]);
  });

  it('accepts while below capacity, then writes wait in call order until the reader takes', async () => {
    const pipe = bare(10);
    const first = pattern(6);
    expect(await pipe.write(first, 6)).toEqual({ ok: true, value: undefined });
    expect(await pipe.write(pattern(6), 6)).toEqual({ ok: true, value: undefined });
    const third = track(pipe.write(pattern(1), 1));
    const fourth = track(pipe.write(pattern(1), 1));
    await settle();
    expect([third.done, fourth.done, pipe.queuedBytes]).toEqual([false, false, 12]);
    const r = await pipe.read();
    expect(r.ok && r.value).toBe(first);
    await settle();
    expect([third.done, fourth.done, pipe.queuedBytes]).toEqual([true, true, 8]);
  });

  it('closeWrite flushes waiting writes, then the reader gets EOF; writes after it are closed', async () => {
    const pipe = bare(1);
    await pipe.write(pattern(1), 1);
    const waiting = pipe.write(pattern(1, 1), 1);
    const ending = track(pipe.closeWrite());
    expect(pipe.writeHalf).toBe('closing');
    expect(await pipe.write(pattern(1), 1)).toMatchObject({ ok: false, error: { type: 'closed' } });
    await settle();
    expect(ending.done).toBe(false);
    expect((await pipe.read()).ok).toBe(true);
    expect(await waiting).toEqual({ ok: true, value: undefined });
    expect(pipe.writeHalf).toBe('closed');
    expect((await pipe.read()).ok).toBe(true);
    expect(await pipe.read()).toEqual({ ok: true, value: EOF });
    expect(pipe.readHalf).toBe('eof');
    expect(ending.value).toEqual({ ok: true, value: undefined });
  });

  it('abort drops held data, fails reads, refuses waiting writes and a pending closeWrite', async () => {
    const pipe = bare(1);
    await pipe.write(pattern(1), 1);
    const waiting = pipe.write(pattern(1), 1);
    const ending = pipe.closeWrite();
    pipe.abort({ type: 'reset', message: 'gone' }, { type: 'reset', message: 'gone' });
    expect(await pipe.read()).toMatchObject({ ok: false, error: { type: 'reset' } });
    expect(await waiting).toMatchObject({ ok: false, error: { type: 'closed', message: 'gone' } });
    expect(await ending).toMatchObject({ ok: false, error: { type: 'reset' } });
    expect([pipe.readHalf, pipe.writeHalf, pipe.queuedBytes]).toEqual(['failed', 'failed', 0]);
  });
});
