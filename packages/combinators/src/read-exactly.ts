import { EOF, type FlowError, type InvalidOptionError, type Result } from '@flowkit/flow-types';
import {
  brokenFlow,
  checkFlow,
  guardedRead,
  integer,
  readOptions,
  show,
  signal as signalOption,
} from '@flowkit/kernel';
import { follow } from './abort.js';
import type { BufferedFlow } from './buffered.js';
import { concat } from './concat.js';
import { abortedError } from './errors.js';

const COUNT = integer({ min: 0 });
const READ_EXACTLY_OPTIONS = { signal: signalOption() };

/** The flow ended after `received` of the `wanted` bytes. */
export interface EofBeforeEnoughError {
  readonly type: 'eof';
  readonly message: string;
  /** Bytes that were available before EOF (they were pushed back, not lost). */
  readonly received: number;
  /** The `n` that was asked for. */
  readonly wanted: number;
}

/**
 * Why {@link readExactly} failed: a bad `n` (`invalid-option`), EOF before `n`
 * bytes (`eof`), or the flow's own read error (`reset`, `aborted`, …).
 */
export type ReadExactlyError = InvalidOptionError | EofBeforeEnoughError | FlowError;

/** Options for {@link readExactly}. */
export interface ReadExactlyOptions {
  /**
   * Cancels the wait. `readExactly` resolves `{ type: 'aborted' }`, the bytes
   * it had gathered are pushed back, and the flow stays usable.
   */
  readonly signal?: AbortSignal;
}

/**
 * Reads exactly `n` bytes (`n` an integer ≥ 0) from `flow`.
 *
 * It is all or nothing: on success the value has `byteLength === n` and every
 * byte after it stays in `flow` (a read that went past `n` pushes the rest back
 * into the {@link BufferedFlow}). On any failure, the bytes gathered so far are
 * pushed back too, so nothing is consumed:
 *
 * - EOF before `n` bytes: `{ type: 'eof', received, wanted }`; the next reads
 *   return those `received` bytes, then `EOF`.
 * - A read error: that error; the next reads return the gathered bytes, then
 *   the error again (the flow's own rule after an error).
 * - The signal: `{ type: 'aborted' }`, and the flow stays usable.
 *
 * It takes a {@link BufferedFlow} (from {@link buffered}) rather than any
 * `Flow` so that surplus bytes have somewhere to go; a plain flow is a type
 * error. Do not read the flow concurrently with a `readExactly` in progress.
 *
 * When one read returns exactly `n` bytes or more, the value is that buffer or
 * a view of it (no copy); otherwise the parts are joined into a new buffer.
 * `n === 0` resolves an empty buffer without reading. A read, or an `unread`,
 * that breaks the flow's contract (`unread` throws: `flow` may be any object
 * with the method) is an `io` error with code `ERR_FLOW_BROKEN`; bytes that
 * `unread` refused are then lost, and the error says so. Never rejects.
 */
export function readExactly(
  flow: BufferedFlow,
  n: number,
  options?: ReadExactlyOptions,
): Promise<Result<Uint8Array, ReadExactlyError>> {
  checkFlow(flow, 'readExactly', 'flow', ['unread']);
  const count = COUNT(n, 'n');
  if (!count.ok) return Promise.resolve(count);
  const read = readOptions(options, READ_EXACTLY_OPTIONS);
  if (!read.ok) return Promise.resolve(read);
  const followed = follow('readExactly', read.value.signal);
  return readExactlyUntil(flow, count.value, followed.signal).finally(followed.dispose);
}

/**
 * Pushes `parts` back in front of `flow`, last part first, so they are read in
 * order. `flow.unread` belongs to the caller (any object with the method is
 * accepted): a throw becomes the broken-flow error, never an exception.
 */
function unreadAll(flow: BufferedFlow, parts: readonly Uint8Array[]): FlowError | undefined {
  try {
    for (let i = parts.length - 1; i >= 0; i--) flow.unread(parts[i]!);
    return undefined;
  } catch (e) {
    return brokenFlow(`unread() threw ${thrownValue(e)}: bytes read from it are lost`, e);
  }
}

/** `Error: boom` for an error, a short description otherwise; never throws. */
function thrownValue(e: unknown): string {
  try {
    return e instanceof Error ? `${e.name}: ${e.message}` : show(e);
  } catch {
    return show(e);
  }
}

async function readExactlyUntil(
  flow: BufferedFlow,
  n: number,
  signal: AbortSignal,
): Promise<Result<Uint8Array, ReadExactlyError>> {
  const parts: Uint8Array[] = [];
  let received = 0;
  /** Gives the gathered bytes back, then fails with `error`, or with the broken `unread` that lost them. */
  const fail = (error: ReadExactlyError): Result<never, ReadExactlyError> => ({
    ok: false,
    error: unreadAll(flow, parts) ?? error,
  });

  while (received < n) {
    if (signal.aborted) return fail(abortedError('readExactly', signal));
    const r = await guardedRead(flow, { signal });
    if (!r.ok) return fail(r.error);
    if (r.value === EOF) {
      return fail({
        type: 'eof',
        message: `readExactly: the flow ended after ${received} of ${n} bytes`,
        received,
        wanted: n,
      });
    }
    const need = n - received;
    if (r.value.byteLength > need) {
      parts.push(r.value.subarray(0, need));
      const refused = unreadAll(flow, [r.value.subarray(need)]);
      if (refused !== undefined) return fail(refused);
    } else {
      parts.push(r.value);
    }
    received += parts[parts.length - 1]!.byteLength;
  }
  return { ok: true, value: n === 0 ? new Uint8Array(0) : concat(parts, n) };
}
