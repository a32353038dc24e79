import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { fromNodeDuplex } from '../src/index.js';

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
});
