import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { checkTimeout, fromNodeDuplex, MAX_TIMER_MS } from '../src/index.js';

describe('option limits', () => {
  it('fromNodeDuplex refuses a readHighWaterMark that would stall or never pause', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const duplex = new PassThrough();
      expect(() => fromNodeDuplex(duplex, { readHighWaterMark: bad })).toThrow(
        /readHighWaterMark must be an integer > 0/,
      );
      duplex.destroy();
    }
  });

  it('timeouts above what Node timers honour are refused, not turned into 1 ms', () => {
    expect(checkTimeout(MAX_TIMER_MS)).toBeUndefined();
    const e = checkTimeout(3e9);
    expect(e?.option).toBe('timeout');
    expect(e?.message).toMatch(/≤ 2147483647.*got 3000000000/);
  });
});
