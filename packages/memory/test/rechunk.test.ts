// The rechunk stage on its own, with a random source the test controls.
import { describe, expect, it } from 'vitest';
import { Rechunk } from '../src/rechunk.js';
import type { Stage } from '../src/stage.js';
import { pattern } from './helpers.js';

function recorder() {
  const log: string[] = [];
  const pieces: Uint8Array[] = [];
  const next: Stage = {
    push: (chunk) => {
      pieces.push(chunk);
      log.push(`push ${chunk.length}`);
    },
    end: () => void log.push('end'),
    pull: () => void log.push('pull'),
    stop: () => void log.push('stop'),
  };
  return { next, log, pieces };
}

describe('Rechunk', () => {
  it('cuts pieces of 1 + random % maxChunk bytes, as views of the chunk', () => {
    const { next, pieces } = recorder();
    const draws = [2, 0, 4];
    const rechunk = new Rechunk(next, 4, () => draws.shift() ?? 0);
    const chunk = pattern(7);
    rechunk.push(chunk);
    expect(pieces.map((p) => p.length)).toEqual([3, 1, 1, 1, 1]);
    expect(pieces.map((p) => p.byteOffset)).toEqual([0, 3, 4, 5, 6]);
    for (const p of pieces) expect(p.buffer).toBe(chunk.buffer);
  });

  it('a chunk that fits in one piece passes as the very buffer', () => {
    const { next, pieces } = recorder();
    const rechunk = new Rechunk(next, 100, () => 99);
    const chunk = pattern(50);
    rechunk.push(chunk);
    expect(pieces.length).toBe(1);
    expect(pieces[0]).toBe(chunk);
  });

  it('passes end, pull and stop on', () => {
    const { next, log } = recorder();
    const rechunk = new Rechunk(next, 3, () => 0);
    rechunk.pull();
    rechunk.end();
    rechunk.stop();
    expect(log).toEqual(['pull', 'end', 'stop']);
  });
});
