// The ring buffer under the pipe's waiting writes and the faults' held
// chunks: FIFO order must survive wrapping around and growing.
import { describe, expect, it } from 'vitest';
import { Queue } from '../src/queue.js';

/** A queue whose head has moved `shifted` places, holding `items`: its ring has wrapped. */
function wrapped(items: number[], shifted = 5): Queue<number> {
  const q = new Queue<number>();
  for (let i = 0; i < shifted; i++) q.push(-1);
  for (let i = 0; i < shifted; i++) q.shift();
  for (const x of items) q.push(x);
  return q;
}

describe('Queue', () => {
  it('is first in, first out, across wrapping and growing past its initial 8 slots', () => {
    const q = wrapped([]);
    const out: number[] = [];
    for (let i = 0; i < 40; i++) {
      q.push(i);
      if (i % 3 === 2) out.push(q.shift()!);
    }
    expect(q.length).toBe(40 - out.length);
    out.push(...q.drain());
    expect(out).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(q.length).toBe(0);
    expect(q.shift()).toBeUndefined();
    expect(q.length).toBe(0);
    q.push(7);
    expect(q.drain()).toEqual([7]);
  });

  it('at(i) reads i places from the head without removing, undefined past the end', () => {
    const q = wrapped([10, 11, 12, 13, 14, 15]);
    expect([q.at(0), q.at(3), q.at(5), q.at(6)]).toEqual([10, 13, 15, undefined]);
    expect(q.length).toBe(6);
    expect(new Queue<number>().at(0)).toBeUndefined();
    // A full ring: the slot after the tail is the head's.
    const full = wrapped([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(full.at(8)).toBeUndefined();
  });

  it('setHead and setTail replace the first and the last item', () => {
    const q = wrapped([1, 2, 3, 4, 5]);
    q.setHead(100);
    q.setTail(500);
    expect(q.drain()).toEqual([100, 2, 3, 4, 500]);
  });

  it('remove takes out one occurrence and keeps the order of the rest', () => {
    const q = wrapped([1, 2, 3, 2, 4]);
    expect(q.remove(2)).toBe(true);
    expect(q.length).toBe(4);
    expect(q.remove(9)).toBe(false);
    expect(q.remove(1)).toBe(true);
    expect(q.drain()).toEqual([3, 2, 4]);
  });

  it('drain returns undefined items too, in order', () => {
    const q = new Queue<number | undefined>();
    q.push(undefined);
    q.push(1);
    q.push(undefined);
    expect(q.drain()).toEqual([undefined, 1, undefined]);
    expect(q.length).toBe(0);
  });

  it('grows from a wrapped state keeping every item', () => {
    const q = wrapped([0, 1, 2, 3, 4, 5, 6, 7], 6);
    q.push(8);
    expect(q.length).toBe(9);
    expect(q.drain()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
