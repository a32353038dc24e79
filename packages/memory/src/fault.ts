import type { InvalidOptionError } from '@flowkit/flow-types';

/**
 * Faults injected into a memory connection, to test protocol code against
 * the things real networks do. Every fault applies to both directions, each
 * direction drawing from its own random stream derived from `seed`, so the
 * same seed and the same sequence of writes give the same run.
 *
 * Re-chunking, latency and bandwidth change only WHEN and in what pieces the
 * reader sees the bytes, never which bytes. `resetAfter` and `stall` change
 * the outcome: reads end with `{ type: 'reset' }`, or wait until cancelled.
 */
export interface FaultOptions {
  /**
   * Seed of the deterministic random streams (rechunk sizes, latency
   * jitter). Any integer; only its low 32 bits matter. Default `0`.
   */
  readonly seed?: number;
  /**
   * Split every write into random pieces of 1 to `maxChunk` bytes, each
   * delivered as a separate read. Pieces are `subarray` views: no copy.
   */
  readonly rechunk?: {
    /** Largest piece, in bytes; a positive integer. `1` delivers byte by byte. */
    readonly maxChunk: number;
  };
  /** Delay every piece before the reader can see it. Order is preserved. */
  readonly latency?: {
    /** Fixed one-way delay, in milliseconds; a finite number ≥ 0. */
    readonly ms: number;
    /** Extra random delay of 0 to `jitterMs` milliseconds per piece; ≥ 0. Default `0`. */
    readonly jitterMs?: number;
  };
  /** Pace delivery as if over a link of this speed (per direction). */
  readonly bandwidth?: {
    /** Link speed, in bytes per second; a finite number > 0. */
    readonly bytesPerSecond: number;
  };
  /**
   * Reset the connection once this many bytes, counted over BOTH
   * directions, have been read. The read that reaches the count is cut
   * short to deliver exactly that many bytes; afterwards both ends read
   * `{ type: 'reset' }` and their writes return `closed`, even an end that
   * had already closed or read `EOF`. `0` resets the connection as soon as
   * it is made. A non-negative integer.
   */
  readonly resetAfter?: number;
  /**
   * Make each end stop consuming: `true` at once, or after it has read
   * `afterBytes` bytes. Writes are still accepted up to the capacity, then
   * wait forever; the stalled reader waits forever (not even `EOF` comes
   * through). Only a read's `signal`, `close({ signal })` or `abort()` ends
   * the wait.
   */
  readonly stall?: boolean | { readonly afterBytes: number };
}

/** {@link FaultOptions} checked and normalised; absent faults are `Infinity`/`0`. */
export interface FaultPlan {
  readonly seed: number;
  readonly maxChunk: number;
  readonly latencyMs: number;
  readonly jitterMs: number;
  readonly bytesPerSecond: number;
  readonly resetAfter: number;
  readonly stallAfter: number;
}

const KNOWN = new Set(['seed', 'rechunk', 'latency', 'bandwidth', 'resetAfter', 'stall']);

function invalid(option: string, message: string): InvalidOptionError {
  return { type: 'invalid-option', option, message: `${option} ${message}` };
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonNegativeInteger(value: unknown, option: string): InvalidOptionError | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return undefined;
  return invalid(option, `must be an integer ≥ 0 (bytes), got ${show(value)}`);
}

function onlyKeys(value: Record<string, unknown>, keys: readonly string[], option: string) {
  for (const key of Object.keys(value)) {
    if (!keys.includes(key))
      return invalid(`${option}.${key}`, `is not a known option (expected ${keys.join(', ')})`);
  }
  return undefined;
}

/**
 * Checks a `faults` option. Returns the normalised plan, or an error naming
 * the offending field (`faults.rechunk.maxChunk`, …) and why.
 *
 * @internal
 */
export function checkFaults(faults: unknown): FaultPlan | InvalidOptionError {
  if (!isRecord(faults)) return invalid('faults', `must be an object, got ${show(faults)}`);
  for (const key of Object.keys(faults)) {
    if (!KNOWN.has(key))
      return invalid(`faults.${key}`, `is not a known fault (expected ${[...KNOWN].join(', ')})`);
  }
  const { seed = 0, rechunk, latency, bandwidth, resetAfter, stall } = faults;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    return invalid('faults.seed', `must be an integer, got ${show(seed)}`);
  }
  let maxChunk = Number.POSITIVE_INFINITY;
  if (rechunk !== undefined) {
    if (!isRecord(rechunk)) return invalid('faults.rechunk', `must be { maxChunk }, got ${show(rechunk)}`);
    const extra = onlyKeys(rechunk, ['maxChunk'], 'faults.rechunk');
    if (extra) return extra;
    const m = rechunk.maxChunk;
    if (typeof m !== 'number' || !Number.isSafeInteger(m) || m < 1) {
      return invalid('faults.rechunk.maxChunk', `must be an integer ≥ 1 (bytes), got ${show(m)}`);
    }
    maxChunk = m;
  }
  let latencyMs = 0;
  let jitterMs = 0;
  if (latency !== undefined) {
    if (!isRecord(latency))
      return invalid('faults.latency', `must be { ms, jitterMs? }, got ${show(latency)}`);
    const extra = onlyKeys(latency, ['ms', 'jitterMs'], 'faults.latency');
    if (extra) return extra;
    const { ms, jitterMs: j = 0 } = latency;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      return invalid('faults.latency.ms', `must be a finite number ≥ 0 (milliseconds), got ${show(ms)}`);
    }
    if (typeof j !== 'number' || !Number.isFinite(j) || j < 0) {
      return invalid('faults.latency.jitterMs', `must be a finite number ≥ 0 (milliseconds), got ${show(j)}`);
    }
    latencyMs = ms;
    jitterMs = j;
  }
  let bytesPerSecond = Number.POSITIVE_INFINITY;
  if (bandwidth !== undefined) {
    if (!isRecord(bandwidth)) {
      return invalid('faults.bandwidth', `must be { bytesPerSecond }, got ${show(bandwidth)}`);
    }
    const extra = onlyKeys(bandwidth, ['bytesPerSecond'], 'faults.bandwidth');
    if (extra) return extra;
    const b = bandwidth.bytesPerSecond;
    if (typeof b !== 'number' || !Number.isFinite(b) || b <= 0) {
      return invalid('faults.bandwidth.bytesPerSecond', `must be a finite number > 0, got ${show(b)}`);
    }
    bytesPerSecond = b;
  }
  let resetBudget = Number.POSITIVE_INFINITY;
  if (resetAfter !== undefined) {
    const bad = nonNegativeInteger(resetAfter, 'faults.resetAfter');
    if (bad) return bad;
    resetBudget = resetAfter as number;
  }
  let stallAfter = Number.POSITIVE_INFINITY;
  if (stall === true) {
    stallAfter = 0;
  } else if (isRecord(stall)) {
    const extra = onlyKeys(stall, ['afterBytes'], 'faults.stall');
    if (extra) return extra;
    const bad = nonNegativeInteger(stall.afterBytes, 'faults.stall.afterBytes');
    if (bad) return bad;
    stallAfter = stall.afterBytes as number;
  } else if (stall !== undefined && stall !== false) {
    return invalid('faults.stall', `must be a boolean or { afterBytes }, got ${show(stall)}`);
  }
  return { seed, maxChunk, latencyMs, jitterMs, bytesPerSecond, resetAfter: resetBudget, stallAfter };
}

/**
 * A small deterministic generator of 32-bit integers: a Weyl sequence passed
 * through a 32-bit integer mixer. Not for cryptography; only for reproducible
 * test runs.
 *
 * @internal
 */
export function random32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const clock: () => number =
  typeof performance !== 'undefined' && typeof performance.now === 'function'
    ? () => performance.now()
    : () => Date.now();

/** Milliseconds on a monotonic clock where the runtime has one. @internal */
export const now = clock;

/**
 * The fault state of one direction: its random stream, where the simulated
 * link is busy until, and the last release time (so order is preserved).
 *
 * @internal
 */
export class DirectionFaults {
  readonly plan: FaultPlan;
  /** Whether pieces go through the timed in-flight queue. */
  readonly timed: boolean;
  readonly #next: () => number;
  #linkFreeAt = 0;
  #lastRelease = 0;

  constructor(plan: FaultPlan, direction: 0 | 1) {
    this.plan = plan;
    this.timed = plan.latencyMs > 0 || plan.jitterMs > 0 || Number.isFinite(plan.bytesPerSecond);
    // Two independent streams per seed: 2·seed and 2·seed+1 never collide.
    this.#next = random32(Math.imul(plan.seed, 2) + direction);
  }

  /** Splits a non-empty `buffer` into views of 1..maxChunk bytes and passes each to `emit`. */
  split(buffer: Uint8Array, emit: (piece: Uint8Array) => void): void {
    const max = this.plan.maxChunk;
    if (buffer.length <= 1 || !Number.isFinite(max)) {
      emit(buffer);
      return;
    }
    let offset = 0;
    while (offset < buffer.length) {
      const size = 1 + (this.#next() % max);
      const end = Math.min(buffer.length, offset + size);
      emit(offset === 0 && end === buffer.length ? buffer : buffer.subarray(offset, end));
      offset = end;
    }
  }

  /** When a piece of `bytes` bytes admitted at `at` becomes readable (ms). */
  releaseTime(bytes: number, at: number): number {
    const { latencyMs, jitterMs, bytesPerSecond } = this.plan;
    let sent = at;
    if (Number.isFinite(bytesPerSecond)) {
      const start = Math.max(at, this.#linkFreeAt);
      this.#linkFreeAt = start + (bytes * 1000) / bytesPerSecond;
      sent = this.#linkFreeAt;
    }
    const jitter = jitterMs > 0 ? (this.#next() / 0x1_0000_0000) * jitterMs : 0;
    const release = Math.max(this.#lastRelease, sent + latencyMs + jitter);
    this.#lastRelease = release;
    return release;
  }
}
