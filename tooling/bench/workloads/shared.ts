import { collect } from '../util.js';

/** What one sample produced: the headline number, plus figures worth keeping in the JSON. */
export interface Sample {
  readonly value: number;
  readonly extra?: Readonly<Record<string, number | string>>;
}

/** CPU time of the whole process (both ends live in it) per byte or per round trip, kept beside the rate. */
export async function withCpu(per: 'bytes' | 'roundTrips', work: () => Promise<Sample>): Promise<Sample> {
  const before = process.cpuUsage();
  const sample = await work();
  const used = process.cpuUsage(before);
  const micros = used.user + used.system;
  const count = Number(sample.extra?.[per] ?? 0);
  return {
    value: sample.value,
    extra: {
      ...sample.extra,
      cpuMicros: micros,
      ...(per === 'bytes' ? { cpuNsPerByte: (micros * 1000) / count } : { cpuMicrosPerTrip: micros / count }),
    },
  };
}

/** How long a throughput sample runs and with what write size. */
export interface BulkPlan {
  /** Time the writer keeps writing, in milliseconds. */
  readonly ms: number;
  /** Bytes per write: 65,536 or 16. */
  readonly chunk: number;
}

/** The slow-reader bounds. */
export interface SlowPlan {
  /** Stop writing after this many milliseconds even if `bytes` were not reached. */
  readonly ms: number;
  /** Stop writing after this many bytes (1 GiB in the full run). */
  readonly bytes: number;
  /** Bytes per write; each write is a freshly allocated and filled buffer. */
  readonly chunk: number;
  /** Stop early when RSS grows this far above the baseline: the target is missed by then anyway. */
  readonly rssCeiling: number;
}

/** The pacing of the slow reader: one chunk per this many milliseconds. */
export const SLOW_READ_INTERVAL_MS = 1;

/**
 * A buffer of `size` bytes with every page touched, so memory held by a
 * queue that ignores backpressure shows up in RSS (an untouched
 * `allocUnsafe` buffer might not be backed by memory yet).
 */
export function freshChunk(size: number, fill: number): Uint8Array {
  return Buffer.allocUnsafe(size).fill(fill & 0xff);
}

/**
 * Tracks peak RSS and peak `arrayBuffers` above a baseline taken after a
 * collection. Sampled every 5 ms and whenever `sample()` is called.
 */
export class MemoryWatch {
  readonly baseRss: number;
  readonly baseBuffers: number;
  peakRss = 0;
  peakBuffers = 0;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor() {
    collect();
    const m = process.memoryUsage();
    this.baseRss = m.rss;
    this.baseBuffers = m.arrayBuffers;
    this.timer = setInterval(() => this.sample(), 5);
  }

  /** Records the current figures; returns RSS above the baseline, in bytes. */
  sample(): number {
    const m = process.memoryUsage();
    this.peakRss = Math.max(this.peakRss, m.rss - this.baseRss);
    this.peakBuffers = Math.max(this.peakBuffers, m.arrayBuffers - this.baseBuffers);
    return m.rss - this.baseRss;
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }
}

/** The common result of a slow-reader run, whichever API wrote and read. */
export function slowSample(
  watch: MemoryWatch,
  counts: { readonly written: number; readonly read: number; readonly peakInFlight: number },
  ms: number,
  stoppedBy: string,
): Sample {
  return {
    value: watch.peakRss,
    extra: {
      bytesWritten: counts.written,
      bytesRead: counts.read,
      peakBytesInFlight: counts.peakInFlight,
      seconds: ms / 1000,
      peakArrayBuffersAboveBaseline: watch.peakBuffers,
      stoppedBy,
    },
  };
}
