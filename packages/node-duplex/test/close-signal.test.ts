import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { abortOnSignal } from '../src/index.js';

describe('abortOnSignal', () => {
  it('aborts when the signal fires before the close settles', () => {
    const controller = new AbortController();
    const reasons: unknown[] = [];
    abortOnSignal(controller.signal, new Promise<void>(() => {}), (r) => reasons.push(r));
    expect(reasons).toEqual([]);
    controller.abort('bounded');
    expect(reasons).toEqual(['bounded']);
  });

  it('aborts at once when the signal already fired', () => {
    const reasons: unknown[] = [];
    abortOnSignal(AbortSignal.abort('late'), Promise.resolve(), (r) => reasons.push(r));
    expect(reasons).toEqual(['late']);
  });

  it('removes its listener once the close settled, and then never aborts', async () => {
    const controller = new AbortController();
    const reasons: unknown[] = [];
    let settle!: () => void;
    const closing = new Promise<void>((resolve) => {
      settle = resolve;
    });
    abortOnSignal(controller.signal, closing, (r) => reasons.push(r));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    settle();
    await closing;
    await Promise.resolve();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    controller.abort();
    expect(reasons).toEqual([]);
  });

  it('does nothing without a signal', () => {
    expect(() =>
      abortOnSignal(undefined, Promise.resolve(), () => {
        throw new Error('must not be called');
      }),
    ).not.toThrow();
  });
});
