import { EOF } from '@flowkit/flow-types';
import { describe, expect, it } from 'vitest';
import { countingSignal } from '../../../tooling/testing/counting-signal.js';
import { abortOnSignal, ReadQueue } from '../src/index.js';

const bytes = (...v: number[]) => new Uint8Array(v);

describe('ReadQueue leaves no listener on a signal', () => {
  it('a read served by push removes its abort listener, and push says it kept the chunk', async () => {
    const q = new ReadQueue();
    const s = countingSignal();
    const r = q.read({ signal: s.signal });
    expect(s.listeners).toBe(1);
    expect(q.push(bytes(1))).toBe(true);
    expect(await r).toEqual({ ok: true, value: bytes(1) });
    expect(s.listeners).toBe(0);
  });

  it('reads settled by end, fail or abort remove their abort listeners', async () => {
    for (const settle of [
      (q: ReadQueue) => q.end(),
      (q: ReadQueue) => q.fail({ type: 'reset', message: 'reset' }),
      (q: ReadQueue) => q.abort({ type: 'aborted', message: 'gone' }),
    ]) {
      const q = new ReadQueue();
      const s = countingSignal();
      const reads = [q.read({ signal: s.signal }), q.read({ signal: s.signal })];
      expect(s.listeners).toBe(2);
      settle(q);
      await Promise.all(reads);
      expect(s.listeners).toBe(0);
    }
  });

  it('a read cancelled by its signal keeps no listener once the signal fired', async () => {
    const q = new ReadQueue();
    const s = countingSignal();
    const r = q.read({ signal: s.signal });
    s.fire('stop');
    expect(await r).toMatchObject({ ok: false, error: { type: 'aborted', cause: 'stop' } });
    expect(s.listeners).toBe(0);
  });

  it('a cancelled read whose signal has no reason carries no cause key', async () => {
    const q = new ReadQueue();
    const s = countingSignal();
    const r = q.read({ signal: s.signal });
    s.fire(undefined);
    expect(await r).toStrictEqual({
      ok: false,
      error: { type: 'aborted', message: 'read cancelled by its signal' },
    });
  });
});

describe('ReadQueue and a late abort event', () => {
  // A signal that cannot remove listeners fires after its read was served:
  // nothing may change, least of all another waiting read.
  it('after push served the read, the next waiting read still gets the next chunk', async () => {
    const q = new ReadQueue();
    const s = countingSignal({ removable: false });
    const first = q.read({ signal: s.signal });
    const second = q.read();
    const third = q.read();
    q.push(bytes(1));
    expect(await first).toEqual({ ok: true, value: bytes(1) });
    s.fire('late');
    expect(q.waiting).toBe(2);
    q.push(bytes(2));
    q.push(bytes(3));
    expect(await second).toEqual({ ok: true, value: bytes(2) });
    expect(await third).toEqual({ ok: true, value: bytes(3) });
  });

  it('after end() settled the read, the late event neither throws nor changes the end', async () => {
    const q = new ReadQueue();
    const s = countingSignal({ removable: false });
    const r = q.read({ signal: s.signal });
    q.end();
    expect(await r).toEqual({ ok: true, value: EOF });
    expect(() => s.fire('late')).not.toThrow();
    expect(await q.read()).toEqual({ ok: true, value: EOF });
  });
});

describe('abortOnSignal', () => {
  it('keeps no listener on a signal that fired', async () => {
    const s = countingSignal();
    const reasons: unknown[] = [];
    abortOnSignal(s.signal, new Promise(() => {}), (why) => reasons.push(why));
    expect(s.listeners).toBe(1);
    s.fire('now');
    expect(reasons).toEqual(['now']);
    expect(s.listeners).toBe(0);
  });
});
