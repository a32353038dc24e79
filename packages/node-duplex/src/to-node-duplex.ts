import { Duplex } from 'node:stream';
import { EOF, type Flow, type FlowError, type WriteError } from '@flowkit/flow-types';

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
 * when there is one, else `ERR_FLOW_<TYPE>` (`ERR_FLOW_RESET`…).
 */
function toError(error: FlowError | WriteError): Error & { code: string } {
  const e = new Error(error.message, { cause: error }) as Error & { code: string };
  e.code =
    ('code' in error ? error.code : undefined) ?? `ERR_FLOW_${error.type.toUpperCase().replace(/-/g, '_')}`;
  return e;
}

class FlowDuplex extends Duplex {
  readonly #flow: Flow;
  /** One `flow.read()` at a time: set while it is outstanding. */
  #reading = false;
  /** The inner flow returned `EOF` (or an error): nothing more to read. */
  #readDone = false;
  /** `_final` ran: the inner flow's `close()` has been started. */
  #closing: Promise<void> | undefined;
  /** Destroyed after a clean `end()`: keep reading the inner flow until EOF, discarding. */
  #draining = false;

  constructor(flow: Flow, options: ToNodeDuplexOptions) {
    super({
      allowHalfOpen: true,
      // Pushed buffers must reach the consumer as they are: no string decoding,
      // no re-chunking.
      decodeStrings: true,
      ...(options.readableHighWaterMark === undefined
        ? {}
        : { readableHighWaterMark: options.readableHighWaterMark }),
      ...(options.writableHighWaterMark === undefined
        ? {}
        : { writableHighWaterMark: options.writableHighWaterMark }),
    });
    this.#flow = flow;
  }

  override _read(): void {
    if (this.#reading || this.#readDone) return;
    this.#pull();
  }

  #pull(): void {
    this.#reading = true;
    this.#flow.read().then((result) => {
      this.#reading = false;
      if (!result.ok || result.value === EOF) {
        this.#readDone = true;
        if (this.destroyed) return;
        if (result.ok) this.push(null);
        else this.destroy(toError(result.error));
        return;
      }
      if (this.#draining) {
        // Bytes after a clean end are dropped: the consumer has gone.
        this.#pull();
        return;
      }
      if (this.destroyed) return;
      // Node calls _read again when it wants more; no copy, no re-chunking.
      this.push(result.value);
    });
  }

  override _write(chunk: Uint8Array, _encoding: BufferEncoding, callback: Callback): void {
    this.#flow.write(chunk).then((result) => {
      callback(result.ok ? null : toError(result.error));
    });
  }

  override _writev(chunks: { chunk: Uint8Array }[], callback: Callback): void {
    const buffers = chunks.map((c) => c.chunk);
    this.#flow.writev(buffers).then((result) => {
      callback(result.ok ? null : toError(result.error));
    });
  }

  override _final(callback: Callback): void {
    // `flow.close()` half-closes at once but resolves only when the remote has
    // closed too. Waiting for it here would hold back 'finish' until the peer
    // finishes, which breaks half-close (TLS sends close_notify, ends the
    // inner write side, and must keep reading). So start it and move on; every
    // write has already been accepted when Node calls _final.
    this.#closing = this.#flow.close();
    callback(null);
  }

  override _destroy(error: Error | null, callback: Callback): void {
    if (error === null && this.#closing !== undefined) {
      // A graceful end was already asked for: let the inner close finish on
      // its own. It needs the remote's EOF, so keep reading (and dropping)
      // until it comes. Node's TLS layer destroys its transport this way
      // after a clean close_notify exchange.
      if (!this.#readDone) {
        this.#draining = true;
        if (!this.#reading) this.#pull();
      }
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
 * - **`end()`** half-closes: it starts `flow.close()` (the remote reads `EOF`)
 *   and emits `'finish'` without waiting for the remote, while the readable
 *   side keeps delivering the remote's data. `allowHalfOpen` is `true`.
 * - **`destroy(err)`**, or `destroy()` before `end()`, aborts the flow
 *   (`flow.abort(err)`). `destroy()` without an error after `end()` is a
 *   graceful release: the inner `close()` already started is left to finish,
 *   and the flow is read (data dropped) until its `EOF`, so the remote is not
 *   reset. Call `flow.abort()` yourself to cut that short.
 *
 * The stream owns the flow from now on: do not read from it directly.
 */
export function toNodeDuplex(flow: Flow, options: ToNodeDuplexOptions = {}): Duplex {
  return new FlowDuplex(flow, options);
}
