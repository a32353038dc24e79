import { once } from 'node:events';
import { Duplex } from 'node:stream';
import type { NodePair } from '../node-pairs.js';
import {
  type BulkPlan,
  freshChunk,
  MemoryWatch,
  type Sample,
  SLOW_READ_INTERVAL_MS,
  type SlowPlan,
  slowSample,
} from './shared.js';

/** How the raw baseline reads and writes the Node stream. */
export type NodeStyle = 'data' | 'for-await' | 'web';

/** Writes views of `chunk` for `ms`, honouring `write()`'s return value and `'drain'`, then ends. */
async function writeHonouringDrain(a: Duplex, chunk: Uint8Array, ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (!a.write(chunk.subarray(0))) await once(a, 'drain');
  }
  a.end();
}

/** Counts bytes delivered by `'data'` events until `'end'`. */
function countData(b: Duplex): Promise<number> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    b.on('data', (c: Uint8Array) => {
      bytes += c.byteLength;
    });
    b.once('end', () => resolve(bytes));
    b.once('error', reject);
  });
}

async function countForAwait(b: Duplex): Promise<number> {
  let bytes = 0;
  for await (const c of b) bytes += (c as Uint8Array).byteLength;
  return bytes;
}

async function writeWeb(a: Duplex, chunk: Uint8Array, ms: number): Promise<void> {
  const writer = Duplex.toWeb(a).writable.getWriter();
  const end = performance.now() + ms;
  while (performance.now() < end) await writer.write(chunk.subarray(0));
  await writer.close();
}

async function countWeb(b: Duplex): Promise<number> {
  const reader = Duplex.toWeb(b).readable.getReader();
  let bytes = 0;
  for (;;) {
    const r = await reader.read();
    if (r.done) return bytes;
    bytes += (r.value as Uint8Array).byteLength;
  }
}

/**
 * Bulk transfer with the raw Node API: `a` writes `plan.chunk`-byte views for
 * `plan.ms`, `b` reads until end. Returns bytes received per second, counting
 * until the reader saw the end (so data still in flight at the deadline counts,
 * and so does the time it took).
 */
export async function nodeBulk({ a, b }: NodePair, style: NodeStyle, plan: BulkPlan): Promise<Sample> {
  const chunk = new Uint8Array(plan.chunk).fill(0x61);
  const start = performance.now();
  const received = style === 'data' ? countData(b) : style === 'for-await' ? countForAwait(b) : countWeb(b);
  const written = style === 'web' ? writeWeb(a, chunk, plan.ms) : writeHonouringDrain(a, chunk, plan.ms);
  const [bytes] = await Promise.all([received, written]);
  const seconds = (performance.now() - start) / 1000;
  return { value: bytes / seconds, extra: { bytes, seconds } };
}

/**
 * 1-byte ping-pong with the raw Node API: `a` sends one byte and waits for
 * the echo from `b`, again and again for `ms`. Returns round trips per second.
 */
export async function nodePingPong({ a, b }: NodePair, style: NodeStyle, ms: number): Promise<Sample> {
  const start = performance.now();
  const end = start + ms;
  let trips = 0;
  if (style === 'data') {
    b.on('data', (c: Uint8Array) => b.write(c));
    await new Promise<void>((resolve, reject) => {
      a.on('data', (c: Uint8Array) => {
        trips += c.byteLength;
        if (performance.now() < end) a.write(new Uint8Array(1));
        else resolve();
      });
      a.once('error', reject);
      b.once('error', reject);
      a.write(new Uint8Array(1));
    });
  } else if (style === 'for-await') {
    const echo = (async () => {
      for await (const c of b) b.write(c as Uint8Array);
    })();
    // Awaited below; this only keeps an early failure from counting as unhandled meanwhile.
    echo.catch(() => {});
    const replies = a[Symbol.asyncIterator]();
    while (performance.now() < end) {
      a.write(new Uint8Array(1));
      const r = await replies.next();
      if (r.done === true) throw new Error('the echo side ended early');
      trips += (r.value as Uint8Array).byteLength;
    }
    a.end();
    await echo;
  } else {
    const server = Duplex.toWeb(b);
    const echo = (async () => {
      const reader = server.readable.getReader();
      const writer = server.writable.getWriter();
      for (;;) {
        const r = await reader.read();
        if (r.done) break;
        await writer.write(r.value as Uint8Array);
      }
    })();
    echo.catch(() => {});
    const client = Duplex.toWeb(a);
    const reader = client.readable.getReader();
    const writer = client.writable.getWriter();
    while (performance.now() < end) {
      await writer.write(new Uint8Array(1));
      const r = await reader.read();
      if (r.done) throw new Error('the echo side ended early');
      trips += (r.value as Uint8Array).byteLength;
    }
    await writer.close();
    await echo;
  }
  const seconds = (performance.now() - start) / 1000;
  return { value: trips / seconds, extra: { roundTrips: trips, seconds } };
}

/** Waits for `'drain'` for at most `ms`; an error or the timeout just ends the wait. */
async function drainWithin(stream: Duplex, ms: number): Promise<void> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    await once(stream, 'drain', { signal: controller.signal });
  } catch {
    // Timed out or errored: the caller's loop checks its deadline next.
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The slow reader with the raw Node API: `b` takes one `'data'` chunk per
 * millisecond (pause, then resume on a timer) while `a` writes fresh buffers
 * honouring `'drain'`. Returns the peak RSS above the baseline.
 */
export async function nodeSlowReader({ a, b }: NodePair, plan: SlowPlan): Promise<Sample> {
  const watch = new MemoryWatch();
  const start = performance.now();
  const deadline = start + plan.ms;
  let read = 0;
  let written = 0;
  let peakInFlight = 0;
  let stoppedBy = 'time';
  let resumeTimer: ReturnType<typeof setTimeout> | undefined;
  b.on('data', (c: Uint8Array) => {
    read += c.byteLength;
    b.pause();
    resumeTimer = setTimeout(() => b.resume(), SLOW_READ_INTERVAL_MS);
  });
  try {
    while (performance.now() < deadline) {
      if (written >= plan.bytes) {
        stoppedBy = 'bytes';
        break;
      }
      if (watch.sample() > plan.rssCeiling) {
        stoppedBy = 'rss-ceiling';
        break;
      }
      const ok = a.write(freshChunk(plan.chunk, written >>> 16));
      written += plan.chunk;
      peakInFlight = Math.max(peakInFlight, written - read);
      if (!ok) {
        // Bounded by the deadline: a drain that never comes must not hang the run.
        const left = deadline - performance.now();
        if (left <= 0) break;
        await drainWithin(a, left);
      }
    }
  } finally {
    watch.stop();
    clearTimeout(resumeTimer);
  }
  return slowSample(watch, { written, read, peakInFlight }, performance.now() - start, stoppedBy);
}
