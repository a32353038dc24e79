// readFaults on its own: each fault's checks, its defaults, and the exact
// message that names the offending field (`faults.latency.ms`, …) and why.
import { describe, expect, it } from 'vitest';
import { readFaults } from '../src/fault-options.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

/** The invalid-option error `readFaults` returns; fails the test if it accepted the value. */
function refusal(faults: unknown): { option: string; message: string } {
  const r = readFaults(faults);
  if (r.ok) throw new Error(`accepted ${JSON.stringify(faults)}`);
  expect(r.error.type).toBe('invalid-option');
  return { option: (r.error as { option: string }).option, message: r.error.message };
}

const plan = (faults: unknown) => {
  const r = readFaults(faults);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe('readFaults: defaults', () => {
  it('no fault: seed 0, nothing limited', () => {
    expect(plan({})).toEqual({
      seed: 0,
      maxChunk: Number.POSITIVE_INFINITY,
      latencyMs: 0,
      jitterMs: 0,
      bytesPerSecond: Number.POSITIVE_INFINITY,
      resetAfter: Number.POSITIVE_INFINITY,
      stallAfter: Number.POSITIVE_INFINITY,
    });
  });

  it('each fault lands in its own field of the plan', () => {
    expect(
      plan({
        seed: -3,
        rechunk: { maxChunk: 7 },
        latency: { ms: 5, jitterMs: 2 },
        bandwidth: { bytesPerSecond: 1.5 },
        resetAfter: 0,
        stall: { afterBytes: 9 },
      }),
    ).toEqual({
      seed: -3,
      maxChunk: 7,
      latencyMs: 5,
      jitterMs: 2,
      bytesPerSecond: 1.5,
      resetAfter: 0,
      stallAfter: 9,
    });
    expect(plan({ latency: { ms: 4 } }).jitterMs).toBe(0);
    expect(plan({ stall: true }).stallAfter).toBe(0);
    expect(plan({ stall: false }).stallAfter).toBe(Number.POSITIVE_INFINITY);
  });

  it('bounds are inclusive: 0 and 2^31 − 1 ms, a 1-byte chunk, the largest safe seed', () => {
    expect(plan({ latency: { ms: 0, jitterMs: MAX_TIMER_MS } }).jitterMs).toBe(MAX_TIMER_MS);
    expect(plan({ latency: { ms: MAX_TIMER_MS } }).latencyMs).toBe(MAX_TIMER_MS);
    expect(plan({ rechunk: { maxChunk: 1 } }).maxChunk).toBe(1);
    expect(plan({ seed: Number.MAX_SAFE_INTEGER }).seed).toBe(Number.MAX_SAFE_INTEGER);
    expect(plan({ bandwidth: { bytesPerSecond: Number.MIN_VALUE } }).bytesPerSecond).toBe(Number.MIN_VALUE);
  });
});

describe('readFaults: refusals name the field and say why', () => {
  it('faults itself must be an object', () => {
    expect(refusal(null)).toEqual({ option: 'faults', message: 'faults must be an object, got null' });
    expect(refusal(3)).toEqual({ option: 'faults', message: 'faults must be an object, got 3' });
  });

  it('an unknown fault or field is refused, listing the known ones', () => {
    expect(refusal({ jitter: 1 })).toEqual({
      option: 'faults.jitter',
      message:
        'faults.jitter is not a known fault (expected seed, rechunk, latency, bandwidth, resetAfter, stall)',
    });
    expect(refusal({ latency: { ms: 1, jiter: 2 } })).toEqual({
      option: 'faults.latency.jiter',
      message: 'faults.latency.jiter is not a known field (expected ms, jitterMs)',
    });
  });

  it('the required field of each nested fault', () => {
    expect(refusal({ rechunk: {} })).toEqual({
      option: 'faults.rechunk.maxChunk',
      message: 'faults.rechunk.maxChunk is required',
    });
    expect(refusal({ latency: { jitterMs: 1 } }).message).toBe('faults.latency.ms is required');
    expect(refusal({ bandwidth: {} }).message).toBe('faults.bandwidth.bytesPerSecond is required');
    expect(refusal({ stall: {} }).message).toBe('faults.stall.afterBytes is required');
  });

  it('seed: a safe integer', () => {
    for (const seed of [1.5, Number.MAX_SAFE_INTEGER + 1, '1', Number.NaN]) {
      expect(refusal({ seed }).option).toBe('faults.seed');
    }
    expect(refusal({ seed: 1.5 }).message).toBe('faults.seed must be an integer, got 1.5');
  });

  it('latency: milliseconds from 0 to 2^31 − 1', () => {
    for (const ms of [-1, MAX_TIMER_MS + 1, '5', Number.NaN]) {
      expect(refusal({ latency: { ms } }).option).toBe('faults.latency.ms');
    }
    expect(refusal({ latency: { ms: 1, jitterMs: -0.5 } })).toEqual({
      option: 'faults.latency.jitterMs',
      message: `faults.latency.jitterMs must be a number of milliseconds from 0 to ${MAX_TIMER_MS}, got -0.5`,
    });
  });

  it('bandwidth: a finite number > 0', () => {
    for (const bytesPerSecond of [0, -1, Number.POSITIVE_INFINITY, Number.NaN, '9']) {
      expect(refusal({ bandwidth: { bytesPerSecond } }).option).toBe('faults.bandwidth.bytesPerSecond');
    }
    expect(refusal({ bandwidth: { bytesPerSecond: 0 } }).message).toBe(
      'faults.bandwidth.bytesPerSecond must be a finite number > 0 (bytes per second), got 0',
    );
  });

  it('rechunk, resetAfter and stall.afterBytes: integers in range', () => {
    expect(refusal({ rechunk: { maxChunk: 0 } }).option).toBe('faults.rechunk.maxChunk');
    expect(refusal({ resetAfter: -1 }).option).toBe('faults.resetAfter');
    expect(refusal({ resetAfter: 0.5 }).option).toBe('faults.resetAfter');
    expect(refusal({ stall: { afterBytes: -1 } }).option).toBe('faults.stall.afterBytes');
  });

  it('stall: a boolean or { afterBytes }', () => {
    expect(refusal({ stall: 'yes' })).toEqual({
      option: 'faults.stall',
      message: 'faults.stall must be a boolean or { afterBytes }, got "yes"',
    });
    expect(refusal({ stall: null })).toEqual({
      option: 'faults.stall',
      message: 'faults.stall must be a boolean or { afterBytes }, got null',
    });
  });

  it('a nested fault that is not an object is refused', () => {
    expect(refusal({ rechunk: 5 }).option).toBe('faults.rechunk');
  });

  it('a fault object whose keys cannot be listed is refused, not thrown', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys');
        },
      },
    );
    expect(refusal({ latency: hostile })).toEqual({
      option: 'faults.latency',
      message: 'faults.latency could not be read: listing its fields threw',
    });
    expect(refusal(hostile).option).toBe('faults');
  });
});
