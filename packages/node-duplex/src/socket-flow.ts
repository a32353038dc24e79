import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  type ClosedError,
  type CloseOptions,
  closedError,
  EOF,
  err,
  type Flow,
  type FlowError,
  ok,
  type ReadOptions,
  type ReadResult,
  type WriteResult,
} from '@flowkit/flow-types';
import { flowErrorFromNode } from '@flowkit/socket';
import { abortOnSignal } from './close-signal.js';
import { show } from './options.js';

/** Default read-queue high-water mark: 64 KiB. */
export const DEFAULT_READ_HIGH_WATER_MARK = 64 * 1024;

/**
 * The few things a transport may change about the adapter. Everything else
 * (read queue, backpressure, half-close, close) is shared.
 */
export interface SocketFlowHooks {
  /**
   * Turns an `'error'` event of the duplex into a {@link FlowError}.
   * Default: {@link flowErrorFromNode} with the flow's `label`.
   */
  readonly mapError?: (error: unknown) => FlowError;
  /**
   * Tears the duplex down for {@link SocketFlow.abort}. Default: a TCP RST
   * (`resetAndDestroy()`) on a plain TCP `net.Socket` whose half-close is not
   * still in flight, `destroy()` on anything else (a unix socket, a
   * `tls.TLSSocket`, a generic `Duplex`, a TCP socket between `close()` and
   * its FIN leaving, where libuv refuses the RST).
   * A TLS transport must tear down through one owner only: Node crashed when
   * both a TLS socket and the TCP socket under it were closed.
   */
  readonly reset?: (duplex: Duplex) => void;
}

/** Options for {@link fromNodeDuplex}. */
export interface FromNodeDuplexOptions<A = undefined> {
  /**
   * Bytes received but not yet read above which the socket is paused (so
   * the kernel's window closes and the remote waits); reading resumes it.
   * Default 65 536 (64 KiB). Must be an integer > 0: `fromNodeDuplex` throws a
   * `TypeError` naming it otherwise (a programming error, like a bad argument).
   */
  readonly readHighWaterMark?: number;
  /** This end's address, exposed as {@link SocketFlow.localAddress}. Default `undefined`. */
  readonly localAddress?: A;
  /** The remote's address, exposed as {@link SocketFlow.remoteAddress}. Default `undefined`. */
  readonly remoteAddress?: A;
  /** Names the remote in error messages, e.g. `127.0.0.1:8080`. Default `'the peer'`. */
  readonly label?: string;
  /** Transport-specific behaviour; see {@link SocketFlowHooks}. */
  readonly hooks?: SocketFlowHooks;
}

type ReadState = 'open' | 'eof' | 'failed';
type WriteState = 'open' | 'ending' | 'ended' | 'failed';
/** Where the flow as a whole is: see the state list on {@link Flow}. */
export type SocketFlowState = 'open' | 'closing' | 'closed' | 'aborted';

interface PendingRead {
  readonly resolve: (result: ReadResult) => void;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * The flow that owns a duplex, stored on the duplex itself so that one set of
 * module-wide listener functions serves every flow: per-flow arrow functions
 * cost a closure (and, once named, a property dictionary) each, which was
 * most of an idle flow's memory.
 */
const kFlow = Symbol('flowkit.socketFlow');
type OwnedDuplex = Duplex & { [kFlow]: SocketFlow<unknown> };

const EOF_RESULT: ReadResult = Object.freeze({ ok: true, value: EOF }) as ReadResult;
const EOF_PROMISE: Promise<ReadResult> = Promise.resolve(EOF_RESULT);
const OK_PROMISE: Promise<WriteResult> = Promise.resolve(ok());

function defaultReset(duplex: Duplex): void {
  // While a half-close is still in flight (end() called, 'finish' not yet
  // emitted), libuv refuses the RST: uv_tcp_close_reset returns EINVAL when a
  // shutdown request is pending, Node reports that as an 'error' and drops
  // its reference to the handle without closing it, so the socket's fd
  // stayed open for the life of the process. Then a plain destroy is the
  // only way to free the handle (the peer sees the FIN already sent, or an
  // RST if unread data was queued here).
  const shutting = duplex.writableEnded && !duplex.writableFinished;
  if (!shutting && duplex instanceof Socket && !(duplex as { encrypted?: boolean }).encrypted) {
    try {
      // Only a TCP handle can send RST; a unix socket's handle throws
      // ERR_INVALID_HANDLE_TYPE, and then a plain destroy is all there is.
      duplex.resetAndDestroy();
      return;
    } catch {
      // fall through
    }
  }
  duplex.destroy();
}

function abortedRead(reason: unknown, message: string): FlowError {
  return reason === undefined ? { type: 'aborted', message } : { type: 'aborted', message, cause: reason };
}

/**
 * A {@link Flow} over a Node `Duplex` (a `net.Socket`, a `tls.TLSSocket`, …).
 * Built by {@link fromNodeDuplex}; tcp, unix and tls flows are this class
 * with their own address type `A`.
 *
 * - Reads hand on Node's `Buffer`s as they arrived, without copying. Bytes
 *   not yet read are queued; above `readHighWaterMark` the socket is paused.
 * - Writes resolve at once when Node's buffer has room, otherwise on
 *   `'drain'`. Zero-length writes send nothing.
 * - Half-close is real: the duplex is switched to `allowHalfOpen`.
 */
export class SocketFlow<A = undefined> implements Flow {
  /** This end's address, as the transport describes it; fixed at creation. */
  readonly localAddress: A;
  /** The remote's address, as the transport describes it; fixed at creation. */
  readonly remoteAddress: A;
  /** Names the remote in error messages. */
  readonly label: string;

  readonly #duplex: Duplex;
  readonly #highWaterMark: number;
  readonly #hooks: SocketFlowHooks | undefined;

  #state: SocketFlowState = 'open';
  #readState: ReadState = 'open';
  #readError: FlowError | undefined;
  #writeState: WriteState = 'open';
  #writeError: ClosedError | undefined;

  // Allocated on first use: an idle flow holds no arrays.
  #queue: Uint8Array[] | undefined;
  #queuedBytes = 0;
  #paused = false;
  #readers: PendingRead[] | undefined;
  #drainWaiters: ((result: WriteResult) => void)[] | undefined;
  // 'drain' and 'finish' are listened for only once a write had to wait or end() was called.
  #drainListening = false;
  #finishListening = false;

  // closeWrite()'s one result, and how to settle it while the FIN is in flight.
  #closeWritePromise: Promise<WriteResult> | undefined;
  #resolveCloseWrite: ((result: WriteResult) => void) | undefined;
  #closePromise: Promise<void> | undefined;
  #resolveClose: (() => void) | undefined;
  // Set once the handle is gone or the flow was aborted; a later close() resolves at once.
  #finished = false;

  #bytesRead = 0;
  #bytesWritten = 0;

  /** Prefer {@link fromNodeDuplex}. Takes ownership of `duplex`. */
  constructor(duplex: Duplex, options: FromNodeDuplexOptions<A> = {}) {
    this.#duplex = duplex;
    this.localAddress = options.localAddress as A;
    this.remoteAddress = options.remoteAddress as A;
    this.label = options.label ?? 'the peer';
    const highWaterMark = options.readHighWaterMark ?? DEFAULT_READ_HIGH_WATER_MARK;
    // 0 would pause on the first chunk and never resume; NaN would never pause.
    if (!Number.isInteger(highWaterMark) || highWaterMark <= 0) {
      throw new TypeError(
        `fromNodeDuplex: readHighWaterMark must be an integer > 0, got ${show(highWaterMark)}`,
      );
    }
    this.#highWaterMark = highWaterMark;
    this.#hooks = options.hooks;

    // Without this Node ends our side as soon as the remote's FIN arrives,
    // and half-close silently becomes a full close.
    duplex.allowHalfOpen = true;
    (duplex as OwnedDuplex)[kFlow] = this as SocketFlow<unknown>;
    duplex.on('error', SocketFlow.#errorListener);
    duplex.on('end', SocketFlow.#endListener);
    duplex.on('close', SocketFlow.#closeListener);
    if (duplex.destroyed) {
      this.#onClose();
      return;
    }
    if (duplex.readableEnded) this.#onEnd();
    if (duplex.writableFinished) this.#writeState = 'ended';
    else if (duplex.writableEnded) {
      this.#writeState = 'ending';
      this.#listenForFinish();
    }
    duplex.on('data', SocketFlow.#dataListener);
  }

  // Node calls listeners with `this` = the duplex; these find the flow on it.
  static readonly #dataListener = function (this: Duplex, chunk: Buffer): void {
    (this as OwnedDuplex)[kFlow].#onData(chunk);
  };
  static readonly #endListener = function (this: Duplex): void {
    (this as OwnedDuplex)[kFlow].#onEnd();
  };
  static readonly #closeListener = function (this: Duplex): void {
    (this as OwnedDuplex)[kFlow].#onClose();
  };
  static readonly #errorListener = function (this: Duplex, error: unknown): void {
    (this as OwnedDuplex)[kFlow].#onError(error);
  };
  static readonly #drainListener = function (this: Duplex): void {
    (this as OwnedDuplex)[kFlow].#onDrain();
  };
  static readonly #finishListener = function (this: Duplex): void {
    (this as OwnedDuplex)[kFlow].#onFinish();
  };

  #listenForFinish(): void {
    if (this.#finishListening) return;
    this.#finishListening = true;
    this.#duplex.on('finish', SocketFlow.#finishListener);
  }

  /** Bytes handed to readers or queued for them so far. */
  get bytesRead(): number {
    return this.#bytesRead;
  }

  /** Bytes accepted by `write`/`writev` so far (queued in Node or sent). */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /**
   * `open`; `closing` after {@link SocketFlow.close} until the remote closed
   * too; `closed` after that or after a failure; `aborted` after
   * {@link SocketFlow.abort} or a close `signal`.
   */
  get state(): SocketFlowState {
    return this.#state;
  }

  // --- read path -----------------------------------------------------------

  #onData(chunk: Buffer): void {
    this.#bytesRead += chunk.length;
    const reader = this.#readers?.shift();
    if (reader !== undefined) {
      if (reader.onAbort !== undefined) reader.signal!.removeEventListener('abort', reader.onAbort);
      reader.resolve(ok(chunk));
      return;
    }
    if (this.#queue === undefined) this.#queue = [chunk];
    else this.#queue.push(chunk);
    this.#queuedBytes += chunk.length;
    if (!this.#paused && this.#queuedBytes >= this.#highWaterMark) {
      this.#paused = true;
      this.#duplex.pause();
    }
  }

  #take(): ReadResult {
    const chunk = this.#queue!.shift()!;
    this.#queuedBytes -= chunk.length;
    if (this.#paused && this.#queuedBytes < this.#highWaterMark && this.#readState === 'open') {
      this.#paused = false;
      this.#duplex.resume();
    }
    return ok(chunk);
  }

  /**
   * Resolves with the next chunk Node received (the very `Buffer`, not a
   * copy), waiting if none is queued.
   *
   * - After the remote closed: queued data, then `EOF` on this and every
   *   later read.
   * - After a failure (reset…): queued data, then the error, every time.
   * - After {@link SocketFlow.abort}, in any state: `{ type: 'aborted' }`
   *   (or the earlier failure's error) at once; queued data is dropped, and
   *   abort wins even after a clean close.
   * - After {@link SocketFlow.close}: still works; data that arrived before
   *   the close stays readable even once `close` has resolved (until an
   *   `abort()`).
   * - `options.signal` fired (or already aborted): `{ type: 'aborted' }`;
   *   nothing is lost and the flow stays usable.
   */
  read(options?: ReadOptions): Promise<ReadResult> {
    const signal = options?.signal;
    if (signal?.aborted) {
      return Promise.resolve(err(abortedRead(signal.reason, 'read cancelled by its signal')));
    }
    if (this.#queue !== undefined && this.#queue.length > 0) return Promise.resolve(this.#take());
    if (this.#readState === 'eof') return EOF_PROMISE;
    if (this.#readState === 'failed') return Promise.resolve(err(this.#readError!));
    return new Promise<ReadResult>((resolve) => {
      const reader: PendingRead = { resolve, signal, onAbort: undefined };
      if (signal !== undefined) {
        reader.onAbort = () => {
          const readers = this.#readers;
          const i = readers === undefined ? -1 : readers.indexOf(reader);
          if (i !== -1) readers!.splice(i, 1);
          resolve(err(abortedRead(signal.reason, 'read cancelled by its signal')));
        };
        signal.addEventListener('abort', reader.onAbort, { once: true });
      }
      if (this.#readers === undefined) this.#readers = [reader];
      else this.#readers.push(reader);
    });
  }

  #settleReaders(result: ReadResult): void {
    const readers = this.#readers;
    if (readers === undefined || readers.length === 0) return;
    this.#readers = undefined;
    for (const reader of readers) {
      if (reader.onAbort !== undefined) reader.signal!.removeEventListener('abort', reader.onAbort);
      reader.resolve(result);
    }
  }

  #onEnd(): void {
    if (this.#readState !== 'open') return;
    this.#readState = 'eof';
    this.#settleReaders(EOF_RESULT);
    this.#maybeFinishClose();
  }

  // --- write path ----------------------------------------------------------

  #closedWrite(): Promise<WriteResult> {
    return Promise.resolve(
      err(this.#writeError ?? closedError(`flow to ${this.label} is closed for writing`)),
    );
  }

  #waitDrain(): Promise<WriteResult> {
    if (!this.#drainListening) {
      this.#drainListening = true;
      this.#duplex.on('drain', SocketFlow.#drainListener);
    }
    return new Promise<WriteResult>((resolve) => {
      if (this.#drainWaiters === undefined) this.#drainWaiters = [resolve];
      else this.#drainWaiters.push(resolve);
    });
  }

  #settleWriters(result: WriteResult): void {
    const waiters = this.#drainWaiters;
    if (waiters === undefined || waiters.length === 0) return;
    this.#drainWaiters = undefined;
    for (const resolve of waiters) resolve(result);
  }

  /**
   * Hands `buffer` to Node without copying. Resolves at once when Node's
   * write buffer is below its high-water mark, otherwise on `'drain'` (or
   * when a `close` has flushed it). A zero-length write sends nothing.
   * After `close()`, `abort()` or a failure: `{ type: 'closed' }` (the cause
   * says why). Concurrent writes go out in call order.
   */
  write(buffer: Uint8Array): Promise<WriteResult> {
    if (this.#writeState !== 'open') return this.#closedWrite();
    const n = buffer.byteLength;
    if (n === 0) return OK_PROMISE;
    this.#bytesWritten += n;
    return this.#duplex.write(buffer) ? OK_PROMISE : this.#waitDrain();
  }

  /**
   * Writes `buffers` as one corked batch, so Node passes them to the kernel
   * in one `writev` call. Same results as {@link SocketFlow.write}; empty
   * buffers are skipped, and an empty list sends nothing.
   */
  writev(buffers: readonly Uint8Array[]): Promise<WriteResult> {
    if (this.#writeState !== 'open') return this.#closedWrite();
    let nonEmpty = 0;
    let only: Uint8Array | undefined;
    for (const b of buffers) {
      if (b.byteLength > 0) {
        nonEmpty++;
        only = b;
      }
    }
    if (nonEmpty === 0) return OK_PROMISE;
    if (nonEmpty === 1) return this.write(only!);
    const duplex = this.#duplex;
    let flushed = true;
    duplex.cork();
    for (const b of buffers) {
      if (b.byteLength === 0) continue;
      this.#bytesWritten += b.byteLength;
      flushed = duplex.write(b);
    }
    duplex.uncork();
    return flushed ? OK_PROMISE : this.#waitDrain();
  }

  #onDrain(): void {
    this.#settleWriters(ok());
  }

  #onFinish(): void {
    if (this.#writeState === 'ending' || this.#writeState === 'open') this.#writeState = 'ended';
    // 'drain' is not emitted once end() was called; the flush is the answer.
    this.#settleWriters(ok());
    this.#settleCloseWrite(ok());
    this.#maybeFinishClose();
  }

  #settleCloseWrite(result: WriteResult): void {
    const resolve = this.#resolveCloseWrite;
    if (resolve === undefined) return;
    this.#resolveCloseWrite = undefined;
    resolve(result);
  }

  // --- half-close, close and abort -------------------------------------------

  /**
   * Flushes every write accepted before the call, then sends end-of-stream
   * (`end()`: a FIN on TCP and on unix stream sockets, which shutdown(2)
   * half-closes alike). Resolves `ok` on Node's `'finish'`, when the FIN has
   * been handed to the kernel; or with what stopped the flush: the
   * {@link FlowError} (`reset`…) if the connection failed during it, or
   * `{ type: 'closed' }` if it had already failed or was aborted.
   *
   * Idempotent: every call returns the same promise. Afterwards writes
   * resolve `closed`; reads go on until the remote's `EOF`. Never rejects.
   */
  closeWrite(): Promise<WriteResult> {
    this.#closeWritePromise ??= this.#beginCloseWrite();
    return this.#closeWritePromise;
  }

  #beginCloseWrite(): Promise<WriteResult> {
    switch (this.#writeState) {
      case 'ended':
        return OK_PROMISE;
      case 'failed':
        return this.#closedWrite();
      case 'open':
        this.#writeState = 'ending';
        this.#writeError = closedError(`flow to ${this.label} is closed for writing`);
        this.#listenForFinish();
        this.#duplex.end();
        break;
      case 'ending':
        // The duplex was already ending when the flow took it over.
        break;
    }
    return new Promise<WriteResult>((resolve) => {
      this.#resolveCloseWrite = resolve;
    });
  }

  /**
   * {@link SocketFlow.closeWrite}, then waits for the remote's end-of-stream,
   * then destroys the socket: flushes queued writes, sends end-of-stream
   * (the remote reads `EOF`) and resolves once the remote has closed its
   * side too. Reads keep working meanwhile.
   *
   * Buffered data: bytes that arrived before the remote's end-of-stream and
   * were not read stay in the queue and remain readable after `close`
   * resolves (then `EOF`). Nothing is dropped to make `close` finish: if the
   * remote sends more than the buffers hold (`readHighWaterMark` plus the
   * kernel's), its end-of-stream sits behind that data and `close` waits
   * until you read it. Pass `signal` to bound the wait; when it fires the
   * flow is aborted (RST) and `close` resolves.
   *
   * If the remote has already closed, resolves as soon as our end-of-stream
   * is flushed. After `abort()` or a failure, resolves at once. Idempotent:
   * every call returns the same promise. Never rejects.
   */
  close(options?: CloseOptions): Promise<void> {
    if (this.#closePromise === undefined) {
      this.#closePromise = new Promise<void>((resolve) => {
        this.#resolveClose = resolve;
      });
      if (this.#finished) this.#resolveClose?.();
      else this.#beginClose();
    }
    if (!this.#finished) abortOnSignal(options?.signal, this.#closePromise, (reason) => this.abort(reason));
    return this.#closePromise;
  }

  #beginClose(): void {
    if (this.#state !== 'open') {
      // aborted or failed: nothing left to wait for
      this.#maybeFinishClose();
      return;
    }
    this.#state = 'closing';
    // Its result needs no answer here: a failed flush fails the flow, and a
    // failed flow finishes the close.
    void this.closeWrite();
    this.#maybeFinishClose();
  }

  #maybeFinishClose(): void {
    if (this.#closePromise === undefined || this.#finished) return;
    if (this.#state === 'closing') {
      if (this.#readState === 'open' || this.#writeState === 'ending') return;
      this.#state = 'closed';
      if (!this.#duplex.destroyed) {
        // Both directions are done: free the handle, resolve once it is gone.
        this.#duplex.destroy();
        return;
      }
    }
    if (this.#state === 'closed' && !this.#duplex.destroyed) return;
    this.#finish();
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#resolveClose?.();
  }

  /**
   * Tears the flow down at once, in any state: a TCP RST on TCP sockets (see
   * {@link SocketFlowHooks.reset}), queued reads and unsent writes are
   * dropped. Pending and later reads resolve with an error at once,
   * `{ type: 'aborted' }`, or the earlier failure's error if the flow had
   * already failed; never with data or `EOF`, not even after a clean close.
   * Pending and later writes resolve `{ type: 'closed' }`, a pending
   * `close` resolves. Safe to call repeatedly.
   */
  abort(reason?: unknown): void {
    if (this.#state === 'aborted') return;
    this.#state = 'aborted';
    const error =
      this.#readState === 'failed'
        ? this.#readError!
        : abortedRead(reason, `flow to ${this.label} was aborted`);
    this.#queue = undefined;
    this.#queuedBytes = 0;
    this.#readState = 'failed';
    this.#readError = error;
    if (this.#writeState !== 'failed' || this.#writeError === undefined) {
      this.#writeError = closedError(`flow to ${this.label} was aborted`, reason);
    }
    this.#writeState = 'failed';
    this.#settleReaders(err(error));
    this.#settleWriters(err(this.#writeError));
    this.#settleCloseWrite(err(this.#writeError));
    if (!this.#duplex.destroyed) (this.#hooks?.reset ?? defaultReset)(this.#duplex);
    this.#finish();
  }

  // --- failure ---------------------------------------------------------------

  #fail(error: FlowError): void {
    if (this.#readState === 'open') {
      this.#readState = 'failed';
      this.#readError = error;
      this.#settleReaders(err(error));
    }
    if (this.#writeState !== 'ended' && this.#writeState !== 'failed') {
      this.#writeState = 'failed';
      this.#writeError = closedError(`flow to ${this.label} can no longer send: ${error.message}`, error);
      this.#settleWriters(err(this.#writeError));
      // The FIN did not leave: what stopped it is the closeWrite result.
      this.#settleCloseWrite(err(error));
    } else if (this.#writeState === 'ended') {
      this.#writeState = 'failed';
      this.#writeError = closedError(`flow to ${this.label} is closed for writing`, error);
    }
    if (this.#state === 'open' || this.#state === 'closing') this.#state = 'closed';
  }

  #onError(error: unknown): void {
    if (this.#state === 'aborted') return;
    const mapError = this.#hooks?.mapError;
    this.#fail(mapError === undefined ? flowErrorFromNode(error, this.label) : mapError(error));
    this.#maybeFinishClose();
  }

  #onClose(): void {
    // Nothing but close() ends the duplex, but if something else did, its flush still counts.
    if (this.#writeState === 'open' && this.#duplex.writableFinished) this.#writeState = 'ended';
    if (this.#state !== 'aborted') {
      if (this.#readState === 'open' || this.#writeState === 'open' || this.#writeState === 'ending') {
        this.#fail({ type: 'io', message: `connection to ${this.label} was closed before end-of-stream` });
      }
      this.#state = 'closed';
    }
    if (this.#drainWaiters !== undefined && this.#drainWaiters.length > 0) {
      this.#settleWriters(err(this.#writeError ?? closedError(`flow to ${this.label} is closed`)));
    }
    this.#finish();
  }
}

/**
 * Wraps a connected Node `Duplex` (a `net.Socket`, `tls.TLSSocket` or any
 * byte-mode duplex) as a {@link SocketFlow}, the one adapter every flowkit
 * socket transport uses. The flow takes ownership: do not read from, write
 * to or listen for `'data'` on the duplex afterwards.
 */
export function fromNodeDuplex<A = undefined>(
  duplex: Duplex,
  options: FromNodeDuplexOptions<A> = {},
): SocketFlow<A> {
  return new SocketFlow<A>(duplex, options);
}
