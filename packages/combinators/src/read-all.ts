import {
  EOF,
  err,
  type Flow,
  type FlowError,
  type InvalidOptionError,
  type Result,
} from '@flowkit/flow-types';
import {
  checkFlow,
  guardedRead,
  integer,
  invalidOption,
  readOptions,
  signal as signalOption,
} from '@flowkit/kernel';
import { follow } from './abort.js';
import { isBuffered } from './buffered.js';
import { concat } from './concat.js';
import { abortedError } from './errors.js';

const READ_ALL_OPTIONS = { limit: integer({ min: 0 }), signal: signalOption() };

/** The flow had more than `limit` bytes before EOF. */
export interface LimitError {
  readonly type: 'limit';
  readonly message: string;
  /** The `limit` that was exceeded, in bytes. */
  readonly limit: number;
}

/**
 * Why {@link readAll} failed: a bad or missing `limit` (`invalid-option`), more
 * than `limit` bytes (`limit`), or the flow's own read error.
 */
export type ReadAllError = InvalidOptionError | LimitError | FlowError;

/** Options for {@link readAll}. `limit` is required: there is no default. */
export interface ReadAllOptions {
  /**
   * The most bytes to accept, an integer ≥ 0. Required, because reading "until
   * the peer stops" without a bound lets the peer choose how much memory you
   * spend.
   */
  readonly limit: number;
  /** Cancels the wait: resolves `{ type: 'aborted' }` (see {@link readAll}). */
  readonly signal?: AbortSignal;
}

/**
 * Reads `flow` to EOF and returns all its bytes, joined (a single buffer is
 * returned as is). An empty stream gives an empty buffer.
 *
 * - More than `limit` bytes: `{ type: 'limit' }` as soon as the limit is
 *   passed; the rest is not read. The bytes read are dropped (the point of a
 *   limit is not to hold them); the flow is left mid-stream, usually to abort.
 * - A read error, or the signal: that error (`aborted` for the signal). If
 *   `flow` is a {@link BufferedFlow}, the bytes gathered are pushed back and
 *   the flow stays usable after an abort; with a plain flow they are dropped.
 *
 * A flow that breaks its contract (a read that throws, rejects, or resolves
 * anything but a `Result` of `EOF` or bytes) resolves an `io` error with code
 * `ERR_FLOW_BROKEN` at once, whatever `limit` is. Never rejects.
 */
export function readAll(flow: Flow, options: ReadAllOptions): Promise<Result<Uint8Array, ReadAllError>> {
  checkFlow(flow, 'readAll', 'flow');
  const read = readOptions(options, READ_ALL_OPTIONS);
  if (!read.ok) return Promise.resolve(read);
  const { limit, signal } = read.value;
  if (limit === undefined) {
    return Promise.resolve(
      err(invalidOption('limit', 'is required: the most bytes to accept, an integer ≥ 0')),
    );
  }
  const followed = follow('readAll', signal);
  return readAllUntil(flow, limit, followed.signal).finally(followed.dispose);
}

async function readAllUntil(
  flow: Flow,
  limit: number,
  signal: AbortSignal,
): Promise<Result<Uint8Array, ReadAllError>> {
  const parts: Uint8Array[] = [];
  let total = 0;
  const giveBack = (): void => {
    if (!isBuffered(flow)) return;
    for (let i = parts.length - 1; i >= 0; i--) flow.unread(parts[i]!);
  };

  for (;;) {
    if (signal.aborted) {
      giveBack();
      return { ok: false, error: abortedError('readAll', signal) };
    }
    const r = await guardedRead(flow, { signal });
    if (!r.ok) {
      giveBack();
      return { ok: false, error: r.error };
    }
    if (r.value === EOF) break;
    total += r.value.byteLength;
    if (total > limit) {
      return {
        ok: false,
        error: {
          type: 'limit',
          message: `readAll: the flow sent more than the limit of ${limit} bytes`,
          limit,
        },
      };
    }
    parts.push(r.value);
  }
  return { ok: true, value: total === 0 ? new Uint8Array(0) : concat(parts, total) };
}
