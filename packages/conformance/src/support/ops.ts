import type { Flow, FlowError, ReadResult, WriteError, WriteResult } from '@flowkit/flow-types';
import { EOF } from '@flowkit/flow-types';
import { ConformanceError, check, concat, describeValue, fail } from './assert.js';
import { remaining, withTimeout } from './timing.js';

/**
 * Calls `fn` and turns a synchronous throw or a rejected promise into a
 * {@link ConformanceError} that says `what` broke the no-throw rule. The
 * returned promise is marked handled, so a caller that never awaits it (an
 * unawaited write) causes no unhandled rejection; awaiting it still throws.
 *
 * With `source: 'harness'` the call is the suite user's own code (`makePair`,
 * `cleanup`), and the message says so instead of blaming the flow.
 */
export function guard<T>(
  what: string,
  fn: () => Promise<T>,
  source: 'flow' | 'harness' = 'flow',
): Promise<T> {
  const rule = (verb: string): string =>
    source === 'harness'
      ? `${what} ${verb}: an error in the conformance options' own code, not a broken Flow promise`
      : `${what} ${verb} (flowkit methods never ${verb === 'threw' ? 'throw' : 'reject'})`;
  let p: Promise<T>;
  try {
    p = Promise.resolve(fn()).catch((e: unknown) => {
      throw new ConformanceError(`${rule('rejected')}: ${describeValue(e)}`);
    });
  } catch (e) {
    p = Promise.reject(new ConformanceError(`${rule('threw')}: ${describeValue(e)}`));
  }
  p.catch(() => {});
  return p;
}

/**
 * Marks `p` handled so that, if the case fails elsewhere first and never
 * awaits it, its rejection is not reported as unhandled. Awaiting `p` still
 * throws.
 */
export function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/** Runs `fn` as a concurrent part of a case; see {@link handled}. */
export function task<T>(fn: () => Promise<T>): Promise<T> {
  return handled(fn());
}

/** Checks a read result is well-formed: data is a `Uint8Array` of at least one byte. */
export function checkReadResult(r: unknown, what: string): ReadResult {
  if (typeof r !== 'object' || r === null || typeof (r as { ok?: unknown }).ok !== 'boolean') {
    fail(`${what} resolved with ${describeValue(r)}, not a Result`);
  }
  const result = r as ReadResult;
  if (result.ok && result.value !== EOF) {
    check(
      result.value instanceof Uint8Array,
      `${what} returned ${describeValue(result.value)}, not a Uint8Array`,
    );
    check(
      result.value.length >= 1,
      `${what} returned a zero-length buffer (a read returns at least one byte)`,
    );
  }
  if (!result.ok) {
    check(
      typeof result.error?.type === 'string' && typeof result.error.message === 'string',
      `${what} returned a malformed error ${describeValue(result.error)} (needs type and message)`,
    );
  }
  return result;
}

/** `flow.read(options)`, guarded, bounded by `ms`, and checked with {@link checkReadResult}. */
export function read(
  flow: Flow,
  what: string,
  ms: number,
  options?: { signal?: AbortSignal },
): Promise<ReadResult> {
  return handled(
    withTimeout(
      guard(what, () => (options === undefined ? flow.read() : flow.read(options))),
      ms,
      what,
    ).then((r) => checkReadResult(r, what)),
  );
}

function checkWriteResult(r: unknown, what: string): WriteResult {
  if (typeof r !== 'object' || r === null || typeof (r as { ok?: unknown }).ok !== 'boolean') {
    fail(`${what} resolved with ${describeValue(r)}, not a Result`);
  }
  const result = r as WriteResult;
  if (!result.ok) {
    check(
      typeof result.error?.type === 'string' && typeof result.error.message === 'string',
      `${what} returned a malformed error ${describeValue(result.error)} (needs type and message)`,
    );
  }
  return result;
}

/**
 * Starts `flow.write(buffer)` guarded, without a deadline: for writes that
 * may legitimately wait (backpressure). Await it with {@link withTimeout}.
 */
export function startWrite(flow: Flow, buffer: Uint8Array, what: string): Promise<WriteResult> {
  return handled(guard(what, () => flow.write(buffer)).then((r) => checkWriteResult(r, what)));
}

/** Starts `flow.writev(buffers)` guarded, without a deadline. */
export function startWritev(flow: Flow, buffers: readonly Uint8Array[], what: string): Promise<WriteResult> {
  return handled(guard(what, () => flow.writev(buffers)).then((r) => checkWriteResult(r, what)));
}

/** `flow.write(buffer)`, guarded, bounded by `ms`. */
export function write(flow: Flow, buffer: Uint8Array, what: string, ms: number): Promise<WriteResult> {
  return handled(withTimeout(startWrite(flow, buffer, what), ms, what));
}

/** `flow.writev(buffers)`, guarded, bounded by `ms`. */
export function writev(
  flow: Flow,
  buffers: readonly Uint8Array[],
  what: string,
  ms: number,
): Promise<WriteResult> {
  return handled(withTimeout(startWritev(flow, buffers, what), ms, what));
}

/** Starts `flow.closeWrite()` guarded, without a deadline; checks the result's shape. */
export function startCloseWrite(flow: Flow, what: string): Promise<WriteResult> {
  return handled(guard(what, () => flow.closeWrite()).then((r) => checkWriteResult(r, what)));
}

/** `flow.closeWrite()`, guarded, bounded by `ms`. */
export function closeWrite(flow: Flow, what: string, ms: number): Promise<WriteResult> {
  return handled(withTimeout(startCloseWrite(flow, what), ms, what));
}

/** Starts `flow.close(options)` guarded, without a deadline. */
export function startClose(flow: Flow, what: string, options?: { signal?: AbortSignal }): Promise<void> {
  return guard(what, () => (options === undefined ? flow.close() : flow.close(options)));
}

/** `flow.close()`, guarded, bounded by `ms`. */
export function close(flow: Flow, what: string, ms: number): Promise<void> {
  return handled(withTimeout(startClose(flow, what), ms, what));
}

/** `flow.abort(reason)`, failing the case if it throws. */
export function abort(flow: Flow, what: string, reason?: unknown): void {
  try {
    flow.abort(reason);
  } catch (e) {
    fail(`${what} threw (abort never throws): ${describeValue(e)}`);
  }
}

/** Fails unless `r` is `ok`. */
export function expectOk(r: WriteResult, what: string): void {
  if (!r.ok) fail(`${what} failed: ${describeValue(r.error)}`);
}

/** Fails unless `r` is `{ ok: false, error: { type: 'closed' } }`. */
export function expectClosed(r: WriteResult, what: string): WriteError {
  if (r.ok) fail(`${what} succeeded, expected { type: 'closed' }`);
  if (r.error.type !== 'closed')
    fail(`${what} failed with ${describeValue(r.error)}, expected type 'closed'`);
  return r.error;
}

/** Fails unless `r` is data; returns the data. */
export function expectData(r: ReadResult, what: string): Uint8Array {
  if (!r.ok) fail(`${what} failed: ${describeValue(r.error)}`);
  if (r.value === EOF) fail(`${what} returned EOF, expected data`);
  return r.value;
}

/** Fails unless `r` is `EOF`. */
export function expectEof(r: ReadResult, what: string): void {
  if (!r.ok) fail(`${what} failed with ${describeValue(r.error)}, expected EOF`);
  if (r.value !== EOF) fail(`${what} returned ${r.value.length} bytes, expected EOF`);
}

/** Fails unless `r` is an error (not data, not EOF); returns it. */
export function expectReadError(r: ReadResult, what: string): FlowError {
  if (r.ok)
    fail(`${what} returned ${r.value === EOF ? 'EOF' : `${r.value.length} bytes`}, expected an error`);
  return r.error;
}

/** Fails unless `r` is `{ ok: false, error: { type: 'aborted' } }` (a read its signal cancelled). */
export function expectAborted(r: ReadResult, what: string): void {
  if (r.ok)
    fail(
      `${what} returned ${r.value === EOF ? 'EOF' : `${r.value.length} bytes`}, expected { type: 'aborted' }`,
    );
  check(r.error.type === 'aborted', `${what} failed with ${describeValue(r.error)}, expected type 'aborted'`);
}

/** Limits for the read loops below. */
export interface ReadLoopOptions {
  /** What is being read, for messages. */
  readonly what: string;
  /** Absolute deadline (`Date.now()` value) for the whole loop. */
  readonly deadline: number;
}

/**
 * An assertion, not a combinator (`@flowkit/combinators`' `readExactly`
 * returns a `Result` and keeps surplus bytes; this one fails the case):
 * reads until exactly `n` bytes arrived (reads may split or coalesce). Fails
 * on EOF or an error first, on more than `n` bytes, or at the deadline. The
 * chunks are kept as returned and joined at the end, so a transport that
 * reuses a returned buffer is caught.
 */
export async function receiveExactly(flow: Flow, n: number, o: ReadLoopOptions): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let got = 0;
  while (got < n) {
    const r = await read(flow, `${o.what}: read after ${got} of ${n} bytes`, remaining(o.deadline));
    if (!r.ok) fail(`${o.what}: read failed after ${got} of ${n} bytes: ${describeValue(r.error)}`);
    if (r.value === EOF) fail(`${o.what}: EOF after ${got} of ${n} bytes`);
    chunks.push(r.value);
    got += r.value.length;
  }
  check(
    got === n,
    `${o.what}: received ${got} bytes, expected exactly ${n} (a chunk was duplicated or extra data arrived)`,
  );
  return concat(chunks);
}

/**
 * Reads until `EOF` and returns everything received. Fails on an error, on
 * more than `limit` bytes, or at the deadline.
 */
export async function readUntilEof(flow: Flow, limit: number, o: ReadLoopOptions): Promise<Uint8Array> {
  const end = await readUntilEnd(flow, limit, o);
  if (end.end !== 'eof')
    fail(`${o.what}: read failed after ${end.data.length} bytes: ${describeValue(end.error)}`);
  return end.data;
}

/** What {@link readUntilEnd} saw. */
export type ReadEnd =
  | { readonly end: 'eof'; readonly data: Uint8Array }
  | { readonly end: 'error'; readonly data: Uint8Array; readonly error: FlowError };

/**
 * Reads until `EOF` or an error, whichever comes first, and returns the data
 * plus how the stream ended. Fails on more than `limit` bytes or at the deadline.
 */
export async function readUntilEnd(flow: Flow, limit: number, o: ReadLoopOptions): Promise<ReadEnd> {
  const chunks: Uint8Array[] = [];
  let got = 0;
  for (;;) {
    const r = await read(flow, `${o.what}: read after ${got} bytes`, remaining(o.deadline));
    if (!r.ok) return { end: 'error', data: concat(chunks), error: r.error };
    if (r.value === EOF) return { end: 'eof', data: concat(chunks) };
    chunks.push(r.value);
    got += r.value.length;
    check(got <= limit, `${o.what}: more than ${limit} bytes arrived (data was duplicated)`);
  }
}

/**
 * Writes `chunks` one after another, awaiting each, each bounded by the
 * deadline; fails on the first error.
 */
export async function writeAll(flow: Flow, chunks: readonly Uint8Array[], o: ReadLoopOptions): Promise<void> {
  let sent = 0;
  for (const c of chunks) {
    const r = await write(
      flow,
      c,
      `${o.what}: write of ${c.length} bytes after ${sent}`,
      remaining(o.deadline),
    );
    expectOk(r, `${o.what}: write of ${c.length} bytes after ${sent}`);
    sent += c.length;
  }
}
