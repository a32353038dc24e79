import { describe, expect, it } from 'vitest';
import { chunk, KiB, MiB, pattern, patternByte } from '../../src/support/pattern.js';

describe('patternByte and pattern', () => {
  it('bytes are in 0..255 and neighbouring offsets and seeds differ over a stretch', () => {
    const a = pattern(4096, 1);
    const b = pattern(4096, 2);
    let sameAsNext = 0;
    let sameAcrossSeeds = 0;
    const seen = new Set<number>();
    for (let i = 0; i < a.length; i++) {
      seen.add(a[i]!);
      if (a[i] === a[i + 1]) sameAsNext++;
      if (a[i] === b[i]) sameAcrossSeeds++;
    }
    expect(seen.size).toBe(256);
    // Unrelated bytes agree about 1 time in 256.
    expect(sameAsNext).toBeLessThan(64);
    expect(sameAcrossSeeds).toBeLessThan(64);
  });

  it('pattern(length, seed, offset) is the stream from that offset', () => {
    const whole = pattern(100, 3);
    expect([...pattern(40, 3, 60)]).toEqual([...whole.subarray(60)]);
    for (let i = 0; i < 100; i++) expect(whole[i]).toBe(patternByte(3, i));
    expect(pattern(5).length).toBe(5);
    expect([...pattern(5)]).toEqual([...pattern(5, 0, 0)]);
  });
});

describe('chunk', () => {
  it('cuts views of the given sizes, cycling, the last one shorter', () => {
    const data = pattern(20);
    const pieces = chunk(data, [3, 5]);
    expect(pieces.map((p) => p.length)).toEqual([3, 5, 3, 5, 3, 1]);
    let at = 0;
    for (const p of pieces) {
      expect(p.buffer).toBe(data.buffer);
      expect(p.byteOffset).toBe(at);
      at += p.length;
    }
  });

  it('treats a size below 1, or no sizes, as 1 byte', () => {
    expect(chunk(pattern(3), [0]).map((p) => p.length)).toEqual([1, 1, 1]);
    expect(chunk(pattern(2), []).map((p) => p.length)).toEqual([1, 1]);
    expect(chunk(new Uint8Array(0), [4])).toEqual([]);
  });

  it('KiB and MiB', () => {
    expect(KiB).toBe(1024);
    expect(MiB).toBe(1024 * 1024);
  });
});
