import {
  type CloseOptions,
  EOF,
  type Flow,
  type FlowError,
  ok,
  type ReadOptions,
  type ReadResult,
  type Result,
  type WriteResult,
} from '@flowkit/flow-types';
import { show } from './show.js';

/**
 * The `code` of the error that stands for a flow that broke its contract
 * (see {@link brokenFlow}). Node's adapter puts it on the stream's `Error`.
 */
export const FLOW_BROKEN = 'ERR_FLOW_BROKEN';

/**
 * The error for a flow that broke its contract: an `io` {@link FlowError}
 * with code {@link FLOW_BROKEN}, a message that says which method broke it and
 * how (`read() rejected: Error: boom`), and what it threw or resolved as
 * `cause`.
 */
export function brokenFlow(what: string, cause: unknown): FlowError {
  return { type: 'io', code: FLOW_BROKEN, message: `the flow broke its contract: ${what}`, cause };
}

/** What was thrown, in a few words: `String(e)` (`Error: boom`) unless that throws. */
function thrown(e: unknown): string {
  // `String(null)` is `show(null)`: only objects can have a toString that throws.
  if (typeof e !== 'object') return show(e);
  try {
    return String(e);
  } catch {
    return show(e);
  }
}

/**
 * Why `value` is not the failure half of a `Result` a flow may resolve (an
 * error object with a string `type` and `message`), or `undefined` when it
 * is one. Reading a property may run a getter; its throw is caught by the caller.
 */
function notAnError(value: { readonly error?: unknown }): string | undefined {
  const e = value.error as { readonly type?: unknown; readonly message?: unknown } | null | undefined;
  if (typeof e !== 'object' || e === null) return `resolved a failure whose error is ${show(e)}`;
  if (typeof e.type !== 'string' || typeof e.message !== 'string')
    return 'resolved a failure whose error has no string type and message';
  return undefined;
}

/**
 * Calls one method of a flow that the caller does not trust (user code, a
 * transport with a bug) and turns every way it can break the "results, not
 * exceptions" contract into a {@link brokenFlow} failure result: a throw, a
 * returned value that is not a promise, a rejection, a resolved value that
 * `accept` refuses (it returns why, as a phrase: `resolved 2, not a Result`), or a getter that throws
 * while the value is inspected. The returned promise never rejects.
 */
function call<R extends object>(
  method: string,
  run: () => unknown,
  accept: (value: unknown) => R | string,
): Promise<R | Result<never, FlowError>> {
  const broken = (what: string, cause: unknown) =>
    ({ ok: false, error: brokenFlow(`${method}() ${what}`, cause) }) as const;
  let pending: PromiseLike<unknown>;
  try {
    const returned = run() as PromiseLike<unknown> | undefined;
    if (typeof returned?.then !== 'function') {
      return Promise.resolve(broken(`returned ${show(returned)}, not a promise`, returned));
    }
    pending = returned;
  } catch (e) {
    return Promise.resolve(broken(`threw: ${thrown(e)}`, e));
  }
  return Promise.resolve(pending).then(
    (value) => {
      let accepted: R | string;
      try {
        accepted = accept(value);
      } catch (e) {
        accepted = `resolved a value whose inspection threw: ${thrown(e)}`;
      }
      return typeof accepted === 'string' ? broken(accepted, value) : accepted;
    },
    (e: unknown) => broken(`rejected: ${thrown(e)}`, e),
  );
}

/** Accepts any `Result` whose failure is an error object. */
function aResult<R extends Result<unknown, unknown>>(value: unknown): R | string {
  const notAResult = `resolved ${show(value)}, not a Result`;
  if (typeof value !== 'object' || value === null) return notAResult;
  const r = value as { readonly ok?: unknown; readonly error?: unknown };
  if (r.ok === true) return value as R;
  if (r.ok !== false) return notAResult;
  return notAnError(r) ?? (value as R);
}

/** Accepts a read's `Result`: a failure, `EOF`, or at least one byte. */
function aReadResult(value: unknown): ReadResult | string {
  const r = aResult<ReadResult>(value);
  if (typeof r === 'string' || !r.ok || r.value === EOF) return r;
  if (!(r.value instanceof Uint8Array)) return `resolved ${show(r.value)}, not bytes or EOF`;
  if (r.value.byteLength === 0) return 'resolved 0 bytes (a read returns at least one byte, or EOF)';
  return r;
}

/**
 * `flow.read(options)`, never rejecting: a broken contract (a throw, a
 * rejection, no promise, something that is not a `ReadResult`, a read `ok`
 * with something other than a non-empty `Uint8Array` or `EOF`) resolves a
 * {@link brokenFlow} error instead.
 */
export function guardedRead(flow: Flow, options?: ReadOptions): Promise<ReadResult> {
  return call('read', () => flow.read(options), aReadResult);
}

/** `flow.write(buffer)`, never rejecting: a broken contract resolves a {@link brokenFlow} error. */
export function guardedWrite(flow: Flow, buffer: Uint8Array): Promise<WriteResult> {
  return call('write', () => flow.write(buffer), aResult<WriteResult>);
}

/** `flow.writev(buffers)`, never rejecting: a broken contract resolves a {@link brokenFlow} error. */
export function guardedWritev(flow: Flow, buffers: readonly Uint8Array[]): Promise<WriteResult> {
  return call('writev', () => flow.writev(buffers), aResult<WriteResult>);
}

/** `flow.closeWrite()`, never rejecting: a broken contract resolves a {@link brokenFlow} error. */
export function guardedCloseWrite(flow: Flow): Promise<WriteResult> {
  return call('closeWrite', () => flow.closeWrite(), aResult<WriteResult>);
}

/**
 * `flow.close(options)`, never rejecting: resolves `ok` when the close
 * resolved (with whatever value), or a {@link brokenFlow} error when it threw,
 * rejected or returned no promise.
 */
export function guardedClose(flow: Flow, options?: CloseOptions): Promise<Result<void, FlowError>> {
  return call(
    'close',
    () => flow.close(options),
    () => ok(),
  );
}

/**
 * `flow.abort(reason)`, never throwing: `ok`, or a {@link brokenFlow} error
 * when `abort` threw (the flow may not be torn down: the caller can only
 * report it).
 */
export function guardedAbort(flow: Flow, reason?: unknown): Result<void, FlowError> {
  try {
    flow.abort(reason);
    return ok();
  } catch (e) {
    return { ok: false, error: brokenFlow(`abort() threw: ${thrown(e)}`, e) };
  }
}
