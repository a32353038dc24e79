import { describe, expect, it } from 'vitest';
import { ConformanceError } from '../../src/support/assert.js';
import { remaining, settlesWithin, sleep, withTimeout } from '../../src/support/timing.js';
import { failureOf } from './scripted.js';

describe('sleep', () => {
  it('resolves after about the given time', async () => {
    const started = performance.now();
    await sleep(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });
});

describe('withTimeout', () => {
  it('returns the value of a promise that settles in time', async () => {
    expect(await withTimeout(Promise.resolve(42), 1_000, 'x')).toBe(42);
  });

  it('passes a rejection through unchanged', async () => {
    const why = new Error('own failure');
    expect(await failureOf(withTimeout(Promise.reject(why), 1_000, 'x'))).toBe(why);
  });

  it('past the bound, fails with a ConformanceError naming what hung and the bound', async () => {
    const started = performance.now();
    const e = await failureOf(withTimeout(new Promise(() => {}), 40, 'read()'));
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
    expect(e).toBeInstanceOf(ConformanceError);
    expect((e as Error).message).toBe('read(): no result within 40 ms');
  });

  it('a late rejection after the timeout is swallowed (no unhandled rejection)', async () => {
    let reject!: (e: unknown) => void;
    const late = new Promise((_, r) => {
      reject = r;
    });
    await failureOf(withTimeout(late, 5, 'x'));
    reject(new Error('too late'));
    // The setup fails this file if the rejection above goes unhandled.
    await sleep(5);
  });
});

describe('settlesWithin', () => {
  it('reports a value that arrives in time', async () => {
    expect(await settlesWithin(Promise.resolve('v'), 1_000)).toEqual({ settled: true, value: 'v' });
  });

  it('reports a promise still pending after the wait, and waits that long', async () => {
    const started = performance.now();
    expect(await settlesWithin(new Promise(() => {}), 40)).toEqual({ settled: false });
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
  });

  it('rethrows a rejection', async () => {
    const why = new Error('rejected');
    expect(await failureOf(settlesWithin(Promise.reject(why), 1_000))).toBe(why);
  });

  it('does not keep the process waiting for the timer once settled', async () => {
    // The leak check fails this file if the 60 s timer were left running.
    expect((await settlesWithin(Promise.resolve(1), 60_000)).settled).toBe(true);
  });
});

/** Timers this process holds now. */
const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('timers are cleared once the wait is over', () => {
  it('withTimeout and settlesWithin leave no timer behind, whichever way they end', async () => {
    const before = timers();
    await withTimeout(Promise.resolve(1), 60_000, 'x');
    await failureOf(withTimeout(Promise.reject(new Error('r')), 60_000, 'x'));
    await settlesWithin(Promise.resolve(1), 60_000);
    await failureOf(settlesWithin(Promise.reject(new Error('r')), 60_000));
    expect(timers()).toBe(before);
  });
});

describe('remaining', () => {
  it('is the time left to a deadline, at least 1 ms', () => {
    const left = remaining(Date.now() + 10_000);
    expect(left).toBeGreaterThan(9_000);
    expect(left).toBeLessThanOrEqual(10_000);
    expect(remaining(Date.now() - 5_000)).toBe(1);
    expect(remaining(Date.now())).toBe(1);
  });
});
