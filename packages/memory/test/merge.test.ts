// The merging stage on its own, against a recording outlet: which chunks it
// passes as is, which it copies together, and when a waiting read is served.
import { describe, expect, it } from 'vitest';
import { Merge, PROMPT_READS, SMALL_CHUNK, STAGE_SIZE } from '../src/merge.js';
import type { Outlet } from '../src/stage.js';
import { pattern } from './helpers.js';

/** An outlet that records what reaches it; `waiting` is set by the test. */
function recorder() {
  const pushed: Uint8Array[] = [];
  let ended = 0;
  const outlet: Outlet & { waiting: number } = {
    waiting: 0,
    push: (chunk) => void pushed.push(chunk),
    end: () => void ended++,
    arrived: () => {},
    pull: () => {},
    stop: () => {},
  };
  return { outlet, pushed, ended: () => ended };
}

const microtasks = async (n: number) => {
  for (let i = 0; i < n; i++) await Promise.resolve();
};
const macrotask = () => new Promise((resolve) => setImmediate(resolve));
const joined = (chunks: Uint8Array[]) => Buffer.concat(chunks);

describe('Merge', () => {
  it('passes a chunk of SMALL_CHUNK bytes or more as the very buffer, after the small data held before it', () => {
    const { outlet, pushed } = recorder();
    const merge = new Merge(outlet, STAGE_SIZE);
    const small = pattern(10);
    const large = pattern(SMALL_CHUNK, 1);
    merge.push(small);
    expect(pushed).toEqual([]);
    merge.push(large);
    expect(pushed.length).toBe(2);
    expect(pushed[0]).toBe(small);
    expect(pushed[1]).toBe(large);
  });

  it('holds one small chunk as is; a second one is copied with it into one buffer', () => {
    const { outlet, pushed, ended } = recorder();
    const lone = new Merge(outlet, STAGE_SIZE);
    const only = pattern(SMALL_CHUNK - 1);
    lone.push(only);
    lone.end();
    expect(pushed[0]).toBe(only);
    expect(ended()).toBe(1);

    const two = recorder();
    const merge = new Merge(two.outlet, STAGE_SIZE);
    const a = pattern(5);
    const b = pattern(40, 5);
    const c = pattern(3, 45);
    merge.push(a);
    merge.push(b);
    merge.push(c);
    merge.end();
    expect(two.pushed.length).toBe(1);
    expect(two.pushed[0]).not.toBe(a);
    expect(joined(two.pushed)).toEqual(Buffer.from(pattern(48)));
    expect(two.ended()).toBe(1);
  });

  it('passes a run on once it reaches flushAt bytes', () => {
    const { outlet, pushed } = recorder();
    const merge = new Merge(outlet, 10);
    merge.push(pattern(6));
    expect(pushed.length).toBe(0);
    merge.push(pattern(4, 6));
    expect(pushed.map((p) => p.length)).toEqual([10]);
    expect(joined(pushed)).toEqual(Buffer.from(pattern(10)));
    merge.push(pattern(10, 10));
    expect(pushed.map((p) => p.length)).toEqual([10, 10]);
  });

  it('a run never outgrows its STAGE_SIZE buffer: the chunk that would not fit starts the next run', () => {
    const { outlet, pushed } = recorder();
    const merge = new Merge(outlet, STAGE_SIZE);
    const piece = SMALL_CHUNK - 1;
    const count = Math.floor(STAGE_SIZE / piece) + 1;
    const data = pattern(piece * count);
    for (let i = 0; i < count; i++) merge.push(data.subarray(i * piece, (i + 1) * piece));
    expect(pushed.map((p) => p.length)).toEqual([piece * (count - 1)]);
    merge.end();
    expect(pushed.map((p) => p.length)).toEqual([piece * (count - 1), piece]);
    expect(joined(pushed)).toEqual(Buffer.from(data));
  });

  it('fills a run exactly to STAGE_SIZE', () => {
    const { outlet, pushed } = recorder();
    const merge = new Merge(outlet, STAGE_SIZE);
    const data = pattern(STAGE_SIZE);
    for (let at = 0; at < STAGE_SIZE; at += 512) merge.push(data.subarray(at, at + 512));
    expect(pushed.map((p) => p.length)).toEqual([STAGE_SIZE]);
    expect(joined(pushed)).toEqual(Buffer.from(data));
  });

  it('pull: nothing held does nothing; SMALL_CHUNK bytes held are served at once; less after a microtask', async () => {
    const { outlet, pushed } = recorder();
    const merge = new Merge(outlet, STAGE_SIZE);
    merge.pull();
    await microtasks(3);
    expect(pushed.length).toBe(0);

    merge.push(pattern(SMALL_CHUNK - 24));
    merge.push(pattern(24));
    merge.pull();
    expect(pushed.map((p) => p.length)).toEqual([SMALL_CHUNK]);

    merge.push(pattern(3));
    merge.pull();
    expect(pushed.length).toBe(1);
    await microtasks(3);
    expect(pushed.map((p) => p.length)).toEqual([SMALL_CHUNK, 3]);
  });

  it('a waiting read gives a writer that keeps adding a few microtask hops, then waits for a macrotask', async () => {
    const { outlet, pushed } = recorder();
    const merge = new Merge(outlet, STAGE_SIZE);
    outlet.waiting = 1;
    // A writer that adds one byte every microtask for 20 turns.
    for (let i = 0; i < 20; i++) {
      merge.push(pattern(1, i));
      await Promise.resolve();
    }
    // Still streaming: past the hop limit the read waits for the writer to
    // pause, which only a macrotask shows, however many microtasks pass.
    expect(pushed.length).toBe(0);
    await microtasks(20);
    expect(pushed.length).toBe(0);
    await macrotask();
    expect(pushed.map((p) => p.length)).toEqual([20]);
    expect(joined(pushed)).toEqual(Buffer.from(pattern(20)));
    // After that idle flush, the next small data for a waiting read is served by a hop again.
    merge.push(pattern(2));
    await microtasks(4);
    expect(pushed.map((p) => p.length)).toEqual([20, 2]);
  });

  it('a waiting read is served once the writer pauses for a microtask', async () => {
    const { outlet, pushed } = recorder();
    const merge = new Merge(outlet, STAGE_SIZE);
    outlet.waiting = 1;
    merge.push(pattern(2));
    merge.push(pattern(2, 2));
    await microtasks(4);
    expect(pushed.map((p) => p.length)).toEqual([4]);
  });

  it(`a writer that adds nothing on its turn gets the next ${PROMPT_READS} reads served at once, then a hop decides again`, async () => {
    const { outlet, pushed } = recorder();
    const merge = new Merge(outlet, STAGE_SIZE);
    outlet.waiting = 1;
    merge.push(pattern(1));
    // A fresh stage gives the writer its turn first.
    expect(pushed.length).toBe(0);
    await microtasks(4);
    expect(pushed.length).toBe(1);
    for (let i = 0; i < PROMPT_READS - 1; i++) {
      merge.push(pattern(2));
      expect(pushed.length).toBe(2 + i);
    }
    // A read that finds small data held counts too.
    outlet.waiting = 0;
    merge.push(pattern(5));
    expect(pushed.length).toBe(PROMPT_READS);
    outlet.waiting = 1;
    merge.pull();
    expect(pushed.length).toBe(1 + PROMPT_READS);
    expect(pushed.at(-1)?.length).toBe(5);
    merge.push(pattern(3));
    expect(pushed.length).toBe(1 + PROMPT_READS);
    await microtasks(4);
    expect(pushed.length).toBe(2 + PROMPT_READS);
    expect(pushed.at(-1)?.length).toBe(3);
    // That hop found the writer paused again.
    merge.push(pattern(4));
    expect(pushed.length).toBe(3 + PROMPT_READS);
  });

  it('a writer that keeps adding on its turn is merged again: after that hop no read is served at once', async () => {
    const { outlet, pushed } = recorder();
    const merge = new Merge(outlet, STAGE_SIZE);
    outlet.waiting = 1;
    merge.push(pattern(1));
    await microtasks(4);
    for (let i = 0; i < PROMPT_READS; i++) merge.push(pattern(1));
    expect(pushed.length).toBe(1 + PROMPT_READS);
    merge.push(pattern(1));
    await Promise.resolve();
    merge.push(pattern(1));
    await microtasks(6);
    expect(pushed.length).toBe(2 + PROMPT_READS);
    expect(pushed.at(-1)?.length).toBe(2);
    merge.push(pattern(1));
    expect(pushed.length).toBe(2 + PROMPT_READS);
    await microtasks(4);
    expect(pushed.length).toBe(3 + PROMPT_READS);
  });

  it('no read waiting: small data stays held', async () => {
    const { outlet, pushed } = recorder();
    const merge = new Merge(outlet, STAGE_SIZE);
    merge.push(pattern(2));
    await macrotask();
    expect(pushed.length).toBe(0);
  });

  it('stop drops what is held and a scheduled hop or idle flush passes nothing on', async () => {
    const { outlet, pushed } = recorder();
    const merge = new Merge(outlet, STAGE_SIZE);
    outlet.waiting = 1;
    merge.push(pattern(2));
    merge.stop();
    await microtasks(10);
    await macrotask();
    expect(pushed.length).toBe(0);

    const idle = recorder();
    const streaming = new Merge(idle.outlet, STAGE_SIZE);
    idle.outlet.waiting = 1;
    for (let i = 0; i < 10; i++) {
      streaming.push(pattern(1));
      await Promise.resolve();
    }
    streaming.stop();
    await macrotask();
    expect(idle.pushed.length).toBe(0);
  });
});
