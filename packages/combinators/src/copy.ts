import {
  EOF,
  type Flow,
  type FlowError,
  type InvalidOptionError,
  type Result,
  type WriteError,
  type WriteResult,
} from '@flowkit/flow-types';
import {
  boolean,
  checkFlow,
  FLOW_BROKEN,
  guardedAbort,
  guardedCloseWrite,
  guardedRead,
  guardedWrite,
  readOptions,
  signal as signalOption,
} from '@flowkit/kernel';
import { ABORTED, follow, untilAborted } from './abort.js';
import { abortedError } from './errors.js';

const COPY_OPTIONS = { signal: signalOption(), end: boolean() };

/** What {@link copy} measured. */
export interface CopyStats {
  /** Bytes that `dst` accepted. */
  readonly bytes: number;
  /** Buffers read from `src` and accepted by `dst` (one per successful write). */
  readonly chunks: number;
  /** Milliseconds from the call to the end of the copy (not to the remote's close). */
  readonly durationMs: number;
}

/**
 * Why {@link copy} stopped early, tagged by `type`:
 *
 * - `read`: reading `src` failed; `error` is the source's {@link FlowError}.
 * - `write`: writing `dst` failed; `error` is the destination's {@link WriteError}.
 * - `close-write`: every byte was written, but half-closing `dst`
 *   (`dst.closeWrite()`) failed, so its remote may never see the end of the
 *   stream; `error` is that {@link WriteError}. In {@link proxy}, also a
 *   final `dst.close()` that broke its contract.
 *
 * A flow that broke its contract (a method that threw, rejected, returned no
 * promise or resolved something that is not a `Result`) is reported in
 * `error` as an `io` {@link FlowError} with code `ERR_FLOW_BROKEN`.
 * - `aborted`: the caller's `signal` fired; `cause` is its reason.
 *
 * Every case carries `stats`: what was copied before it stopped.
 */
export type CopyError =
  | { readonly type: 'read'; readonly message: string; readonly error: FlowError; readonly stats: CopyStats }
  | {
      readonly type: 'write';
      readonly message: string;
      readonly error: WriteError;
      readonly stats: CopyStats;
    }
  | {
      readonly type: 'close-write';
      readonly message: string;
      readonly error: WriteError;
      readonly stats: CopyStats;
    }
  | {
      readonly type: 'aborted';
      readonly message: string;
      readonly cause?: unknown;
      readonly stats: CopyStats;
    };

/** Options for {@link copy}. */
export interface CopyOptions {
  /**
   * Stops the copy. A pending read of `src` is cancelled without losing data
   * (it stays in `src`); a write already handed to `dst` is not taken back:
   * `copy` resolves at once with `{ type: 'aborted' }` and that write
   * finishes or fails on its own. Neither flow is closed or aborted.
   */
  readonly signal?: AbortSignal;
  /**
   * Half-close `dst` (`dst.closeWrite()`) after `src` reached EOF, and wait
   * for that to be handed to the transport. Default `true`. Set `false` to
   * keep writing to `dst` after the copy (then close it yourself).
   */
  readonly end?: boolean;
}

/**
 * Copies `src` to `dst` until `src` reaches EOF, then half-closes `dst` with
 * `dst.closeWrite()` (socat's and mirage-flow's proxy semantics: the end of
 * one direction is passed on, the other direction keeps going).
 *
 * Backpressure: at most one read and one write are in flight, so `copy` never
 * holds more than two buffers however fast `src` is and however slow `dst` is.
 *
 * The half-close is awaited and its failure reported (`close-write`): when
 * `copy` resolves ok, the end of the stream was handed to `dst`'s transport.
 * `copy` does not wait for `dst`'s remote to close (that is `dst.close()`,
 * whose wait may depend on someone reading `dst`, which in {@link proxy} is
 * the other direction's job).
 *
 * `src` is never closed: its remote has finished sending, but the other
 * direction may still be writing to it.
 *
 * On an error, `copy` returns it and leaves both flows as they are (it does not
 * close or abort either): the caller decides whether to abort. A `read` error
 * means `src` is finished; a `write` error means `dst` accepts nothing more.
 * The exception is a flow that broke its contract (`ERR_FLOW_BROKEN`): then
 * `copy` aborts both flows itself, since such a flow cannot be trusted to be
 * released later.
 *
 * Never rejects. An argument that is not a flow is a `TypeError` thrown at the
 * call; a bad option is an `invalid-option` result.
 */
export function copy(
  src: Flow,
  dst: Flow,
  options?: CopyOptions,
): Promise<Result<CopyStats, CopyError | InvalidOptionError>> {
  checkFlow(src, 'copy', 'src');
  checkFlow(dst, 'copy', 'dst');
  const read = readOptions(options, COPY_OPTIONS);
  if (!read.ok) return Promise.resolve(read);
  const followed = follow('copy', read.value.signal);
  return copyUntil(src, dst, read.value.end ?? true, followed.signal)
    .then((r) => {
      if (!r.ok && isBreach(r.error)) {
        // A flow that broke its contract cannot be trusted to be released by
        // the caller's usual path: free both now.
        guardedAbort(src, r.error);
        guardedAbort(dst, r.error);
      }
      return r;
    })
    .finally(followed.dispose);
}

/**
 * Whether `error` is a flow breaking its contract (the kernel's `brokenFlow`
 * error, code `ERR_FLOW_BROKEN`), rather than an ordinary I/O failure.
 */
function isBreach(error: CopyError): boolean {
  return error.type !== 'aborted' && 'code' in error.error && error.error.code === FLOW_BROKEN;
}

/**
 * {@link copy} after its checks, stopped by `signal` (an internal one). What
 * {@link proxy} runs for each direction.
 */
export async function copyUntil(
  src: Flow,
  dst: Flow,
  end: boolean,
  signal: AbortSignal,
): Promise<Result<CopyStats, CopyError>> {
  const started = performance.now();
  let bytes = 0;
  let chunks = 0;
  const stats = (): CopyStats => ({ bytes, chunks, durationMs: performance.now() - started });
  const aborted = (s: AbortSignal): Result<CopyStats, CopyError> => {
    const e = abortedError('copy', s);
    return { ok: false, error: { type: 'aborted', message: e.message, cause: e.cause, stats: stats() } };
  };

  // One write in flight while the next read runs. Its bytes are counted the
  // moment it succeeds, and if it fails, the read is cancelled (losslessly) so
  // the failure is reported at once rather than after src's next buffer.
  const writeFailed = new AbortController();
  const readWith = { signal: AbortSignal.any([signal, writeFailed.signal]) };
  let pending: Promise<WriteResult> | undefined;

  for (;;) {
    if (signal.aborted) return aborted(signal);
    const r = await guardedRead(src, readWith);
    if (!r.ok && !writeFailed.signal.aborted) {
      // The read's own signal firing is our abort; any other `aborted` came
      // from `src.abort()` and is a read failure like any other.
      if (signal.aborted && r.error.type === 'aborted') return aborted(signal);
      return {
        ok: false,
        error: {
          type: 'read',
          message: `copy: reading failed: ${r.error.message}`,
          error: r.error,
          stats: stats(),
        },
      };
    }
    if (pending !== undefined) {
      const w = await untilAborted(pending, signal);
      if (w === ABORTED) return aborted(signal);
      pending = undefined;
      if (!w.ok) {
        return {
          ok: false,
          error: {
            type: 'write',
            message: `copy: writing failed: ${w.error.message}`,
            error: w.error,
            stats: stats(),
          },
        };
      }
    }
    if (!r.ok || r.value === EOF) break;
    const size = r.value.byteLength;
    pending = guardedWrite(dst, r.value).then((w) => {
      if (w.ok) {
        bytes += size;
        chunks += 1;
      } else {
        writeFailed.abort(w.error);
      }
      return w;
    });
  }
  if (end) {
    const w = await untilAborted(guardedCloseWrite(dst), signal);
    if (w === ABORTED) return aborted(signal);
    if (!w.ok) {
      return {
        ok: false,
        error: {
          type: 'close-write',
          message: `copy: half-closing the destination failed: ${w.error.message}`,
          error: w.error,
          stats: stats(),
        },
      };
    }
  }
  return { ok: true, value: stats() };
}
