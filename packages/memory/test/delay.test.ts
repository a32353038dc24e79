// The latency/bandwidth stage on its own, against a recording next stage:
// release times are checked from below (timers never fire early by more
// than a millisecond), order and completeness exactly.
import { describe, expect, it } from 'vitest';
import { Delay, type DelayPlan } from '../src/delay.js';
import type { Stage } from '../src/stage.js';
import { pattern } from './helpers.js';

function recorder() {
  const start = performance.now();
  const arrivals: { what: string; at: number; chunk?: Uint8Array }[] = [];
  const calls: string[] = [];
  const next: Stage = {
    push: (chunk) =>
      void arrivals.push({ what: `push ${chunk.length}`, at: performance.now() - start, chunk }),
    end: () => void arrivals.push({ what: 'end', at: performance.now() - start }),
    pull: () => void calls.push('pull'),
    stop: () => void calls.push('stop'),
  };
  return { next, arrivals, calls };
}

const plan = (p: Partial<DelayPlan>): DelayPlan => ({
  latencyMs: 0,
  jitterMs: 0,
  bytesPerSecond: Number.POSITIVE_INFINITY,
  ...p,
});
const noRandom = () => {
  throw new Error('random drawn without jitter');
};
/** Timers this process holds now. */
const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (bounded) until `n` arrivals were recorded. */
async function arrived(arrivals: unknown[], n: number): Promise<void> {
  for (let i = 0; i < 400 && arrivals.length < n; i++) await wait(5);
  expect(arrivals.length).toBe(n);
}

describe('Delay', () => {
  it('latency: nothing passes before the delay; chunks and the end then pass in order, as the same buffers', async () => {
    const { next, arrivals } = recorder();
    const delay = new Delay(next, plan({ latencyMs: 30 }), noRandom);
    const a = pattern(3);
    const b = pattern(5);
    delay.push(a);
    delay.push(b);
    delay.end();
    await wait(10);
    expect(arrivals).toEqual([]);
    await arrived(arrivals, 3);
    expect(arrivals.map((x) => x.what)).toEqual(['push 3', 'push 5', 'end']);
    expect(arrivals[0]!.chunk).toBe(a);
    expect(arrivals[1]!.chunk).toBe(b);
    for (const x of arrivals) expect(x.at).toBeGreaterThanOrEqual(30 - 2);
  });

  it('zero delay still passes through a timer, not synchronously', async () => {
    const { next, arrivals } = recorder();
    const delay = new Delay(next, plan({}), noRandom);
    delay.push(pattern(1));
    expect(arrivals).toEqual([]);
    await arrived(arrivals, 1);
  });

  it('bandwidth: the link carries one chunk after another at bytesPerSecond', async () => {
    const { next, arrivals } = recorder();
    // 1000 B at 50,000 B/s: 20 ms per chunk.
    const delay = new Delay(next, plan({ bytesPerSecond: 50_000 }), noRandom);
    delay.push(pattern(1000));
    delay.push(pattern(1000));
    delay.push(pattern(1000));
    delay.end();
    await arrived(arrivals, 4);
    expect(arrivals.map((x) => x.what)).toEqual(['push 1000', 'push 1000', 'push 1000', 'end']);
    expect(arrivals[0]!.at).toBeGreaterThanOrEqual(20 - 2);
    expect(arrivals[1]!.at).toBeGreaterThanOrEqual(40 - 2);
    expect(arrivals[2]!.at).toBeGreaterThanOrEqual(60 - 2);
  });

  it('bandwidth then latency: a chunk leaves the link, then travels', async () => {
    const { next, arrivals } = recorder();
    const delay = new Delay(next, plan({ bytesPerSecond: 100_000, latencyMs: 20 }), noRandom);
    delay.push(pattern(1000));
    await arrived(arrivals, 1);
    expect(arrivals[0]!.at).toBeGreaterThanOrEqual(10 + 20 - 2);
  });

  it('the link is idle between bursts: a later chunk is not charged for time the link sat unused', async () => {
    const { next, arrivals } = recorder();
    const delay = new Delay(next, plan({ bytesPerSecond: 100_000 }), noRandom);
    delay.push(pattern(100));
    await arrived(arrivals, 1);
    await wait(30);
    const sent = performance.now();
    delay.push(pattern(1000));
    await arrived(arrivals, 2);
    // 10 ms of link time from when it was sent.
    const took = performance.now() - sent;
    expect(took).toBeGreaterThanOrEqual(10 - 2);
  });

  it('jitter adds random 0..jitterMs per chunk, and never lets a chunk overtake the one before', async () => {
    const { next, arrivals } = recorder();
    const draws = [0xffff_ffff, 0];
    const delay = new Delay(next, plan({ jitterMs: 40 }), () => draws.shift() ?? 0);
    const start = performance.now();
    delay.push(pattern(1));
    delay.push(pattern(2));
    await arrived(arrivals, 2);
    expect(draws).toEqual([]);
    expect(arrivals.map((x) => x.what)).toEqual(['push 1', 'push 2']);
    // Both wait for the first one's ~40 ms jitter.
    expect(performance.now() - start).toBeGreaterThanOrEqual(40 - 2);
    expect(arrivals[1]!.at).toBeGreaterThanOrEqual(40 - 2);
  });

  it('a jitter draw scales to jitterMs: half the range is half the delay', async () => {
    const { next, arrivals } = recorder();
    const delay = new Delay(next, plan({ jitterMs: 60 }), () => 0x8000_0000);
    delay.push(pattern(1));
    await wait(20);
    expect(arrivals).toEqual([]);
    await arrived(arrivals, 1);
    expect(arrivals[0]!.at).toBeGreaterThanOrEqual(30 - 2);
  });

  it('stop clears the timer, drops what is in flight, and stops the next stage; later pushes are ignored', async () => {
    const { next, arrivals, calls } = recorder();
    const delay = new Delay(next, plan({ latencyMs: 10_000 }), noRandom);
    const before = timers();
    delay.push(pattern(1));
    delay.push(pattern(1));
    // One timer for everything in flight.
    expect(timers()).toBe(before + 1);
    delay.stop();
    expect(timers()).toBe(before);
    // Pushes after stop start nothing.
    delay.push(pattern(2));
    expect(timers()).toBe(before);
    delay.push(pattern(2));
    delay.end();
    await wait(30);
    expect(arrivals).toEqual([]);
    expect(calls).toEqual(['stop']);
  });

  it('stop from inside a delivery ends the release at once', async () => {
    const arrivals: string[] = [];
    let delay: Delay | undefined;
    const next: Stage = {
      push: (chunk) => {
        arrivals.push(`push ${chunk.length}`);
        delay?.stop();
      },
      end: () => void arrivals.push('end'),
      pull: () => {},
      stop: () => void arrivals.push('stop'),
    };
    delay = new Delay(next, plan({}), noRandom);
    delay.push(pattern(1));
    delay.push(pattern(2));
    delay.end();
    await wait(20);
    expect(arrivals).toEqual(['push 1', 'stop']);
  });

  it('pull is passed on to the next stage', () => {
    const { next, calls } = recorder();
    new Delay(next, plan({}), noRandom).pull();
    expect(calls).toEqual(['pull']);
  });

  it('a delay longer than a timer can hold waits (no early release) and stop clears it', async () => {
    const { next, arrivals } = recorder();
    const delay = new Delay(next, plan({ latencyMs: 2 ** 31 - 1, jitterMs: 2 ** 31 - 1 }), () => 0xffff_ffff);
    delay.push(pattern(1));
    await wait(20);
    expect(arrivals).toEqual([]);
    delay.stop();
  });
});
