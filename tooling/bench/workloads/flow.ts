import { EOF, type Flow, formatError, formatWriteError } from '@flowkit/flow-types';
import { bounded, SampleFailure, sleep } from '../util.js';
import {
  type BulkPlan,
  freshChunk,
  MemoryWatch,
  type Sample,
  SLOW_READ_INTERVAL_MS,
  type SlowPlan,
  slowSample,
} from './shared.js';

/** Reads until EOF, counting bytes; a read error fails the sample. */
async function countUntilEof(flow: Flow): Promise<number> {
  let bytes = 0;
  for (;;) {
    const r = await flow.read();
    if (!r.ok) throw new SampleFailure(`read: ${formatError(r.error)}`);
    if (r.value === EOF) return bytes;
    bytes += r.value.byteLength;
  }
}

/**
 * Bulk transfer over flowkit: `a` awaits each `write` of a fresh view of a
 * `plan.chunk`-byte buffer for `plan.ms`, then closes; `b` reads until EOF and
 * closes. Returns bytes received per second, up to the reader's EOF.
 */
export async function flowBulk([a, b]: readonly [Flow, Flow], plan: BulkPlan): Promise<Sample> {
  const chunk = new Uint8Array(plan.chunk).fill(0x61);
  const start = performance.now();
  const received = countUntilEof(b).then(async (bytes) => {
    const seconds = (performance.now() - start) / 1000;
    await b.close();
    return { bytes, seconds };
  });
  const written = (async () => {
    const end = start + plan.ms;
    while (performance.now() < end) {
      const w = await a.write(chunk.subarray(0));
      if (!w.ok) throw new SampleFailure(`write: ${formatWriteError(w.error)}`);
    }
    await a.close();
  })();
  const [{ bytes, seconds }] = await Promise.all([received, written]);
  return { value: bytes / seconds, extra: { bytes, seconds } };
}

/**
 * 1-byte ping-pong over flowkit: `a` writes one byte and reads the echo from
 * `b`, again and again for `ms`. Returns round trips per second.
 */
export async function flowPingPong([a, b]: readonly [Flow, Flow], ms: number): Promise<Sample> {
  const echo = (async () => {
    for (;;) {
      const r = await b.read();
      if (!r.ok) throw new SampleFailure(`echo read: ${formatError(r.error)}`);
      if (r.value === EOF) break;
      const w = await b.write(r.value);
      if (!w.ok) throw new SampleFailure(`echo write: ${formatWriteError(w.error)}`);
    }
    await b.close();
  })();
  const start = performance.now();
  const end = start + ms;
  let trips = 0;
  const pinger = (async () => {
    while (performance.now() < end) {
      const w = await a.write(new Uint8Array(1));
      if (!w.ok) throw new SampleFailure(`write: ${formatWriteError(w.error)}`);
      const r = await a.read();
      if (!r.ok) throw new SampleFailure(`read: ${formatError(r.error)}`);
      if (r.value === EOF) throw new SampleFailure('the echo side ended early');
      trips += r.value.byteLength;
    }
    const seconds = (performance.now() - start) / 1000;
    await a.close();
    return seconds;
  })();
  const [seconds] = await Promise.all([pinger, echo]);
  return { value: trips / seconds, extra: { roundTrips: trips, seconds } };
}

/**
 * The slow reader over flowkit: `b` reads one chunk per millisecond while `a`
 * awaits each write of a freshly allocated, filled buffer, until `plan.bytes`
 * are written, `plan.ms` pass or RSS crosses the ceiling. Then both ends are
 * aborted (draining the rest at 1 chunk/ms would only add time). Returns the
 * peak RSS above the baseline.
 */
export async function flowSlowReader([a, b]: readonly [Flow, Flow], plan: SlowPlan): Promise<Sample> {
  const watch = new MemoryWatch();
  const start = performance.now();
  const deadline = start + plan.ms;
  let read = 0;
  let written = 0;
  let peakInFlight = 0;
  let stop = false;
  let stoppedBy = 'time';
  const reader = (async () => {
    while (!stop) {
      const r = await b.read();
      if (!r.ok || r.value === EOF) return;
      read += r.value.byteLength;
      await sleep(SLOW_READ_INTERVAL_MS);
    }
  })();
  const writer = (async () => {
    while (!stop && performance.now() < deadline) {
      if (written >= plan.bytes) {
        stoppedBy = 'bytes';
        return;
      }
      if (watch.sample() > plan.rssCeiling) {
        stoppedBy = 'rss-ceiling';
        return;
      }
      const w = await a.write(freshChunk(plan.chunk, written >>> 16));
      if (!w.ok) {
        stoppedBy = `write failed: ${formatWriteError(w.error)}`;
        return;
      }
      written += plan.chunk;
      peakInFlight = Math.max(peakInFlight, written - read);
    }
  })();
  reader.catch(() => {});
  // A write that is still waiting for room at the deadline is cut short by the abort below.
  await bounded(writer, plan.ms + 1_000, () => {}).catch(() => {});
  stop = true;
  watch.stop();
  const ms = performance.now() - start;
  a.abort('slow-reader run finished');
  b.abort('slow-reader run finished');
  await Promise.allSettled([writer, reader]);
  return slowSample(watch, { written, read, peakInFlight }, ms, stoppedBy);
}
