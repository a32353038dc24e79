import { Duplex, type DuplexOptions } from 'node:stream';
import {
  EOF,
  type Flow,
  type FlowError,
  type ReadResult,
  type WriteError,
  type WriteResult,
} from '@flowkit/flow-types';
import {
  guardedCloseWrite,
  guardedRead,
  guardedWrite,
  guardedWritev,
  integer,
  type OptionsOf,
  readOptions,
} from '@flowkit/kernel';

/** Options for {@link toNodeDuplex}. */
export interface ToNodeDuplexOptions {
  /**
   * Bytes the readable side buffers before it stops pulling from the flow.
   * Default: Node's default (16 KiB on Node 20). One `flow.read()` is
   * outstanding at most, whatever the value.
   */
  readonly readableHighWaterMark?: number;
  /**
   * Bytes the writable side accepts before `write()` returns `false`.
   * Default: Node's default (16 KiB on Node 20).
   */
  readonly writableHighWaterMark?: number;
}

type Callback = (error?: Error | null) => void;

/**
 * The `Error` a {@link toNodeDuplex} stream emits for a flow failure. Its
 * `cause` is the original flowkit error (`{ type, message, code?, cause? }`),
 * so a consumer can tell `truncated` from `reset`; `code` is the system code
 * when there is one, else `ERR_FLOW_<TYPE>` (`ERR_FLOW_RESET`…). An inner
 * flow that broke its contract (the kernel's guarded calls) is an `io` error
 * with code `ERR_FLOW_BROKEN`, so it becomes an `Error` with that code.
 */
function toError(error: FlowError | WriteError): Error & { code: string } {
  const e = new Error(error.message, { cause: error }) as Error & { code: string };
  e.code =
    ('code' in error ? error.code : undefined) ?? `ERR_FLOW_${error.type.toUpperCase().replace(/-/g, '_')}`;
  return e;
}

/** Hands a write-side result to Node's callback. */
const settle =
  (callback: Callback) =>
  (result: WriteResult): void =>
    callback(result.ok ? null : toError(result.error));

/**
 * Whether `pending` is a plain native promise, which the kernel's guard
 * would take as it is (`Promise.resolve(p)` returns such a `p` itself): then
 * one `then` on it behaves exactly like the guard's, one hop sooner.
 */
function isPlainPromise(pending: unknown): pending is Promise<unknown> {
  return pending instanceof Promise && pending.constructor === Promise;
}

type Resolved = { readonly ok?: unknown; readonly value?: unknown } | null | undefined;

/** A read result the guard passes through unchanged: `ok` with `EOF` or at least one byte. */
function isGoodRead(value: unknown): value is ReadResult {
  const r = value as Resolved;
  if (r?.ok !== true) return false;
  const v = r.value;
  return v === EOF || (v instanceof Uint8Array && v.byteLength > 0);
}

/** A write result the guard passes through unchanged: `ok`. */
function isGoodWrite(value: unknown): boolean {
  return (value as Resolved)?.ok === true;
}

/**
 * A stand-in flow whose every method hands back `outcome()`: what one real
 * call returned, threw or resolved. The hot paths below judge the common
 * good results themselves; anything else is replayed through the kernel's
 * guarded call, so the kernel stays the one place that decides what breaks
 * the contract and how the error reads.
 */
function replay(outcome: () => unknown): Flow {
  const flow = { read: outcome, write: outcome, writev: outcome, closeWrite: outcome };
  return flow as unknown as Flow;
}

const EMPTY = new Uint8Array(0);

const duplexOptionTable = { readableHighWaterMark: integer(), writableHighWaterMark: integer() };

class FlowDuplex extends Duplex {
  readonly #flow: Flow;
  /** One `flow.read()` at a time: set while it is outstanding. */
  #reading = false;
  /** The inner flow returned `EOF` (or an error): nothing more to read. */
  #readDone = false;
  /** `_final` ran: the inner flow's write side is closed (or closing). */
  #ended = false;
  /** The outstanding read's promise, kept for the guard when its result is not a good one. */
  #readPending: Promise<unknown> | undefined;
  /** The outstanding write's promise and callback (Node has one `_write`/`_writev` out at a time). */
  #writePending: Promise<unknown> | undefined;
  #writeCallback: Callback | undefined;
  /** Whether the outstanding write was a `writev`, so a replay names the right method. */
  #writev = false;

  constructor(flow: Flow, options: OptionsOf<typeof duplexOptionTable>) {
    // A null-prototype options object: Node's stream constructors read many
    // options (signal, objectMode, highWaterMark…) by plain property access,
    // so a plain object would pick them up from a polluted Object.prototype.
    const duplexOptions: DuplexOptions = Object.create(null);
    duplexOptions.allowHalfOpen = true;
    // Pushed buffers must reach the consumer as they are: no string decoding,
    // no re-chunking.
    duplexOptions.decodeStrings = true;
    if (options.readableHighWaterMark !== undefined)
      duplexOptions.readableHighWaterMark = options.readableHighWaterMark;
    if (options.writableHighWaterMark !== undefined)
      duplexOptions.writableHighWaterMark = options.writableHighWaterMark;
    super(duplexOptions);
    this.#flow = flow;
  }

  override _read(): void {
    if (this.#reading || this.#readDone) return;
    this.#pull();
  }

  // Reads and writes call the flow directly and take a good result on the
  // first hop (one promise hop per chunk, no closure per call: TLS runs
  // every record through here). Whatever else the flow does (throws,
  // rejects, returns no plain promise, resolves a failure or something that
  // is not a result) goes through the kernel's guarded call, which turns a
  // broken contract into an ERR_FLOW_BROKEN failure, never an unhandled
  // rejection (TLS runs over user code through this adapter).

  #pull(): void {
    this.#reading = true;
    let pending: unknown;
    try {
      pending = this.#flow.read();
    } catch (e) {
      this.#guardRead(() => {
        throw e;
      });
      return;
    }
    if (!isPlainPromise(pending)) {
      this.#guardRead(() => pending);
      return;
    }
    this.#readPending = pending;
    pending.then(this.#onRead, this.#onReadRejected);
  }

  readonly #onRead = (value: unknown): void => {
    let good = false;
    try {
      good = isGoodRead(value);
    } catch {
      // A getter that throws: the guard judges it.
    }
    if (good) this.#delivered(value as ReadResult);
    else this.#onReadRejected();
  };

  readonly #onReadRejected = (): void => {
    const pending = this.#readPending;
    this.#guardRead(() => pending);
  };

  #guardRead(outcome: () => unknown): void {
    void guardedRead(replay(outcome)).then(this.#delivered);
  }

  readonly #delivered = (result: ReadResult): void => {
    this.#reading = false;
    this.#readPending = undefined;
    if (!result.ok || result.value === EOF) {
      this.#readDone = true;
      if (this.destroyed) return;
      if (result.ok) this.push(null);
      else this.destroy(toError(result.error));
      return;
    }
    if (this.destroyed) return;
    // Node calls _read again when it wants more; no copy, no re-chunking.
    this.push(result.value);
  };

  override _write(chunk: Uint8Array, _encoding: BufferEncoding, callback: Callback): void {
    let pending: unknown;
    try {
      pending = this.#flow.write(chunk);
    } catch (e) {
      void guardedWrite(
        replay(() => {
          throw e;
        }),
        chunk,
      ).then(settle(callback));
      return;
    }
    this.#afterWrite(pending, false, callback);
  }

  override _writev(chunks: { chunk: Uint8Array }[], callback: Callback): void {
    const buffers = chunks.map((c) => c.chunk);
    let pending: unknown;
    try {
      pending = this.#flow.writev(buffers);
    } catch (e) {
      void guardedWritev(
        replay(() => {
          throw e;
        }),
        buffers,
      ).then(settle(callback));
      return;
    }
    this.#afterWrite(pending, true, callback);
  }

  #afterWrite(pending: unknown, writev: boolean, callback: Callback): void {
    if (!isPlainPromise(pending)) {
      this.#guardWrite(() => pending, writev, callback);
      return;
    }
    this.#writePending = pending;
    this.#writeCallback = callback;
    this.#writev = writev;
    pending.then(this.#onWritten, this.#onWriteRejected);
  }

  readonly #onWritten = (value: unknown): void => {
    let good = false;
    try {
      good = isGoodWrite(value);
    } catch {
      // A getter that throws: the guard judges it.
    }
    if (!good) {
      this.#onWriteRejected();
      return;
    }
    const callback = this.#writeCallback!;
    this.#writePending = undefined;
    this.#writeCallback = undefined;
    callback(null);
  };

  readonly #onWriteRejected = (): void => {
    const pending = this.#writePending;
    const callback = this.#writeCallback!;
    this.#writePending = undefined;
    this.#writeCallback = undefined;
    this.#guardWrite(() => pending, this.#writev, callback);
  };

  #guardWrite(outcome: () => unknown, writev: boolean, callback: Callback): void {
    const flow = replay(outcome);
    void (writev ? guardedWritev(flow, []) : guardedWrite(flow, EMPTY)).then(settle(callback));
  }

  override _final(callback: Callback): void {
    // Every write has been accepted when Node calls _final; 'finish' waits
    // for the inner half-close only, never for the remote (TLS sends
    // close_notify, ends its transport this way, and must keep reading).
    this.#ended = true;
    // Transitional, until every flowkit flow has contract v2's closeWrite
    // (tls's and memory's land separately): start close() as before.
    if (typeof (this.#flow as Partial<Flow>).closeWrite !== 'function') {
      void this.#flow.close();
      callback(null);
      return;
    }
    void guardedCloseWrite(this.#flow).then(settle(callback));
  }

  override _destroy(error: Error | null, callback: Callback): void {
    if (error === null && this.#ended) {
      // A graceful release after end() (Node's TLS layer destroys its
      // transport this way after the close_notify exchange): the FIN is
      // sent, so close the flow, which waits for the remote's end rather
      // than resetting it.
      void this.#flow.close();
      callback(null);
      return;
    }
    this.#flow.abort(error ?? new Error('Duplex destroyed'));
    callback(error);
  }
}

/**
 * A Node `Duplex` over any {@link Flow}, for code that speaks Node streams
 * (`tls.connect({ socket })`, `stream.pipeline`, HTTP parsers).
 *
 * - **Reading** pulls with `flow.read()`, one read outstanding at a time,
 *   only while the readable buffer is below its high-water mark, and pushes
 *   each buffer as it is (no copy). Flow `EOF` ends the readable side
 *   (`'end'`); a read error destroys the stream with an `Error` whose `cause`
 *   is the flowkit error.
 * - **Writing** calls `flow.write`/`flow.writev` (corked writes become one
 *   `writev`) and acknowledges each write when the flow accepts it, so the
 *   flow's backpressure reaches the writer. A failed write errors the stream.
 *   Written buffers are handed on, not copied: do not reuse them.
 * - **`end()`** half-closes: `_final` is `flow.closeWrite()` (the remote
 *   reads `EOF`), so `'finish'` means the end-of-stream was handed to the
 *   transport, and a failed flush errors the stream. The readable side keeps
 *   delivering the remote's data. `allowHalfOpen` is `true`.
 * - **`destroy(err)`**, or `destroy()` before `end()`, aborts the flow
 *   (`flow.abort(err)`). `destroy()` without an error after `end()` is a
 *   graceful release: it calls `flow.close()`, which waits for the remote's
 *   end without resetting it (data still unread stays in the flow; if the
 *   remote sends more than the flow buffers, that close waits until
 *   `flow.abort()`).
 *
 * The stream owns the flow from now on: do not read from it directly.
 *
 * Options are read as own properties only. @throws TypeError when an option
 * is not an integer ≥ 0 (a programming error, reported at the call).
 */
export function toNodeDuplex(flow: Flow, options: ToNodeDuplexOptions = {}): Duplex {
  // Options are read as own properties only (kernel tables); a bad one is a
  // programming error of the caller, so it throws here, at the call.
  const read = readOptions(options, duplexOptionTable);
  if (!read.ok) throw new TypeError(`toNodeDuplex: ${read.error.message}`);
  return new FlowDuplex(flow, read.value);
}
