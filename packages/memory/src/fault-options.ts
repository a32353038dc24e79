import { err, type InvalidOptionError, ok, type Result } from '@flowkit/flow-types';
import {
  integer,
  invalidOption,
  MAX_TIMER_MS,
  type OptionReader,
  type OptionTable,
  object,
  readOptions,
  show,
} from '@flowkit/kernel';
import { guarded } from './guarded.js';

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
   * jitter). Any safe integer; only its low 32 bits matter. Default `0`.
   */
  readonly seed?: number;
  /**
   * Split every write into random pieces of 1 to `maxChunk` bytes, each
   * delivered as a separate read. Pieces are `subarray` views: no copy.
   */
  readonly rechunk?: {
    /** Largest piece, in bytes; a positive integer. `1` delivers byte by byte. Required. */
    readonly maxChunk: number;
  };
  /** Delay every piece before the reader can see it. Order is preserved. */
  readonly latency?: {
    /** Fixed one-way delay, in milliseconds; a number 0 to 2^31 − 1. Required. */
    readonly ms: number;
    /** Extra random delay of 0 to `jitterMs` milliseconds per piece; 0 to 2^31 − 1. Default `0`. */
    readonly jitterMs?: number;
  };
  /** Pace delivery as if over a link of this speed (per direction). */
  readonly bandwidth?: {
    /** Link speed, in bytes per second; a finite number > 0. Required. */
    readonly bytesPerSecond: number;
  };
  /**
   * Reset the connection once this many bytes, counted over BOTH
   * directions, have been read. The read that reaches the count is cut
   * short to deliver exactly that many bytes; afterwards both ends read
   * `{ type: 'reset' }` and their writes return `closed`, even an end that
   * had already closed or read `EOF`. `0` resets the connection as soon as
   * it is made. A non-negative integer, in bytes. Default: never.
   */
  readonly resetAfter?: number;
  /**
   * Make each end stop consuming: `true` at once, or after it has read
   * `afterBytes` bytes (a non-negative integer). Writes are still accepted
   * up to the capacity, then wait forever; the stalled reader waits forever
   * (not even `EOF` comes through). Only a read's `signal`,
   * `close({ signal })` or `abort()` ends the wait. Default `false`.
   */
  readonly stall?: boolean | { readonly afterBytes: number };
}

/** {@link FaultOptions} checked and normalised; absent faults are `Infinity`/`0`. @internal */
export interface FaultPlan {
  readonly seed: number;
  readonly maxChunk: number;
  readonly latencyMs: number;
  readonly jitterMs: number;
  readonly bytesPerSecond: number;
  readonly resetAfter: number;
  readonly stallAfter: number;
}

type Checked<T> = Result<T, InvalidOptionError>;

const bad = (option: string, expected: string, value: unknown): Checked<never> =>
  err(invalidOption(option, `must be ${expected}, got ${show(value)}`));

const safeInteger: OptionReader<number> = (value, option) =>
  Number.isSafeInteger(value) ? ok(value as number) : bad(option, 'an integer', value);

const milliseconds: OptionReader<number> = (value, option) =>
  typeof value === 'number' && value >= 0 && value <= MAX_TIMER_MS
    ? ok(value)
    : bad(option, `a number of milliseconds from 0 to ${MAX_TIMER_MS}`, value);

const rate: OptionReader<number> = (value, option) =>
  typeof value === 'number' && Number.isFinite(value) && value > 0
    ? ok(value)
    : bad(option, 'a finite number > 0 (bytes per second)', value);

const bytes = integer({ min: 0 });

/**
 * Reads the fields of a nested fault object by `table`, refusing field names
 * the table does not know (a misspelt fault would silently test nothing),
 * and checking that the `required` field is present.
 */
function readFields<T extends OptionTable>(
  value: object,
  table: T,
  prefix: string,
  required?: keyof T & string,
) {
  let keys: string[];
  try {
    keys = Object.keys(value);
  } catch (cause) {
    return err(invalidOption(prefix.slice(0, -1), 'could not be read: listing its fields threw', cause));
  }
  const known = Object.keys(table);
  for (const key of keys) {
    if (!known.includes(key)) {
      const what = prefix === 'faults.' ? 'fault' : 'field';
      return err(invalidOption(prefix + key, `is not a known ${what} (expected ${known.join(', ')})`));
    }
  }
  const read = readOptions(value, guarded(table), { prefix });
  if (read.ok && required !== undefined && read.value[required] === undefined) {
    return err(invalidOption(prefix + required, 'is required'));
  }
  return read;
}

const stall: OptionReader<number> = (value, option) => {
  if (typeof value === 'boolean') return ok(value ? 0 : Number.POSITIVE_INFINITY);
  if (typeof value !== 'object' || value === null) return bad(option, 'a boolean or { afterBytes }', value);
  const read = readFields(value, { afterBytes: bytes }, `${option}.`, 'afterBytes');
  return read.ok ? ok(read.value.afterBytes!) : read;
};

const FAULTS = {
  seed: safeInteger,
  rechunk: object(),
  latency: object(),
  bandwidth: object(),
  resetAfter: bytes,
  stall,
} satisfies OptionTable;

/**
 * Reads a `faults` option. Returns the normalised plan, or an
 * `invalid-option` error naming the offending field
 * (`faults.rechunk.maxChunk`, …) and why.
 *
 * @internal
 */
export function readFaults(faults: unknown): Checked<FaultPlan> {
  if (typeof faults !== 'object' || faults === null) return bad('faults', 'an object', faults);
  const read = readFields(faults, FAULTS, 'faults.');
  if (!read.ok) return read;
  const { seed = 0, rechunk, latency, bandwidth, resetAfter, stall: stallAfter } = read.value;
  let maxChunk = Number.POSITIVE_INFINITY;
  if (rechunk !== undefined) {
    const r = readFields(rechunk, { maxChunk: integer({ min: 1 }) }, 'faults.rechunk.', 'maxChunk');
    if (!r.ok) return r;
    maxChunk = r.value.maxChunk!;
  }
  let latencyMs = 0;
  let jitterMs = 0;
  if (latency !== undefined) {
    const r = readFields(latency, { ms: milliseconds, jitterMs: milliseconds }, 'faults.latency.', 'ms');
    if (!r.ok) return r;
    latencyMs = r.value.ms!;
    jitterMs = r.value.jitterMs ?? 0;
  }
  let bytesPerSecond = Number.POSITIVE_INFINITY;
  if (bandwidth !== undefined) {
    const r = readFields(bandwidth, { bytesPerSecond: rate }, 'faults.bandwidth.', 'bytesPerSecond');
    if (!r.ok) return r;
    bytesPerSecond = r.value.bytesPerSecond!;
  }
  return ok({
    seed,
    maxChunk,
    latencyMs,
    jitterMs,
    bytesPerSecond,
    resetAfter: resetAfter ?? Number.POSITIVE_INFINITY,
    stallAfter: stallAfter ?? Number.POSITIVE_INFINITY,
  });
}
