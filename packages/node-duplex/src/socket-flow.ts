import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type {
  CloseOptions,
  Flow,
  FlowError,
  ReadOptions,
  ReadResult,
  WriteError,
  WriteResult,
} from '@flowkit/flow-types';
import { closedError, err, ok } from '@flowkit/flow-types';
import {
  abortOnSignal,
  checkByteList,
  checkBytes,
  type FlowState,
  flowState,
  ReadQueue,
  Settled,
  show,
  type WriteHalf,
} from '@flowkit/kernel';
import { flowErrorFromNode } from '@flowkit/socket';

/** Default read-queue high-water mark: 64 KiB. */
export const DEFAULT_READ_HIGH_WATER_MARK = 64 * 1024;

/**
 * The few things a transport may change about the adapter. Everything else
 * (read queue, backpressure, half-close, close) is shared.
 */
export interface SocketFlowHooks {
  /**
   * Turns an `'error'` event of the duplex into a {@link FlowError}.
   * Default: `flowErrorFromNode` of `@flowkit/socket` with the flow's `label`.
   */
  readonly mapError?: (error: unknown) => FlowError;
  /**
   * Tears the duplex down for {@link SocketFlow.abort}. Default: a TCP RST
   * (`resetAndDestroy()`) on a plain TCP `net.Socket` whose half-close is not
   * still in flight, `destroy()` on anything else (a unix socket, a
   * `tls.TLSSocket`, a generic `Duplex`, a TCP socket between `closeWrite()`
   * and its FIN leaving, where libuv refuses the RST).
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

/**
 * The flow that owns a duplex, stored on the duplex itself so that one set of
 * module-wide listener functions serves every flow: per-flow arrow functions
 * cost a closure (and, once named, a property dictionary) each, which was
 * most of an idle flow's memory.
 */
const kFlow = Symbol('flowkit.socketFlow');
type OwnedDuplex = Duplex & { [kFlow]: SocketFlow<unknown> };

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

/**
 * A {@link Flow} over a Node `Duplex` (a `net.Socket`, a `tls.TLSSocket`, …).
 * Built by {@link fromNodeDuplex}; tcp, unix and tls flows are this class
 * with their own address type `A`.
 *
 * - Reads hand on Node's `Buffer`s as they arrived, without copying, through
 *   the kernel's `ReadQueue`. Bytes not yet read are queued; at
 *   `readHighWaterMark` the socket is paused.
 * - A duplex handed over paused (a connection a listener accepted with
 *   `pauseOnConnect`) stays paused until the first `read()` or `close()`:
 *   until then its data waits in the OS.
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
  readonly #reads = new ReadQueue();
  #write: WriteHalf = 'open';
  // Why writes now return `closed`; set when the write half leaves `open`.
  #writeError: WriteError | undefined;
  // The duplex is paused: above the high-water mark, or handed over paused.
  #paused: boolean;
  // Set by abort(); an 'error' event after it changes nothing.
  #aborted = false;
  // The handle is gone (or the flow aborted): a later close() resolves at once.
  #released = false;

  // Allocated on first use: an idle flow holds none of these.
  #drainWaiters: ((result: WriteResult) => void)[] | undefined;
  #closeWrite: Settled<WriteResult> | undefined;
  #close: Settled<void> | undefined;
  // 'drain' and 'finish' are listened for only once a write had to wait or end() was called.
  #drainListening = false;
  #finishListening = false;

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
    // A paused duplex (readableFlowing false) is not resumed by a 'data'
    // listener: it stays paused until #resume().
    this.#paused = duplex.readableFlowing === false;
    if (duplex.destroyed) {
      this.#onClose();
      return;
    }
    if (duplex.readableEnded) this.#onEnd();
    if (duplex.writableFinished) this.#write = 'closed';
    else if (duplex.writableEnded) {
      this.#write = 'closing';
      this.#listenForFinish();
    }
    if (this.#write !== 'open') this.#writeError = this.#closedForWriting();
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
    (this as OwnedDuplex)[kFlow].#settleWriters(ok());
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
   * Derived from the two halves (the kernel's `flowState`): `open`;
   * `write-closed` after {@link SocketFlow.closeWrite} (or a write failure)
   * while the remote may still send; `read-done` once the remote's EOF or an
   * error ended the read half while writes still work; `closed` when both
   * are done (after `close`, a failure or `abort`).
   */
  get state(): FlowState {
    return flowState(this.#reads.state, this.#write);
  }

  // --- read path -----------------------------------------------------------

  #onData(chunk: Buffer): void {
    this.#bytesRead += chunk.length;
    this.#reads.push(chunk);
    if (!this.#paused && this.#reads.queuedBytes >= this.#highWaterMark) {
      this.#paused = true;
      this.#duplex.pause();
    }
  }

  /** Resumes a paused duplex once the queue is below the mark (and the stream may still send). */
  #resume(): void {
    if (!this.#paused || this.#reads.queuedBytes >= this.#highWaterMark || this.#reads.state !== 'open') {
      return;
    }
    this.#paused = false;
    this.#duplex.resume();
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
   * - After {@link SocketFlow.closeWrite} or {@link SocketFlow.close}: still
   *   works; data that arrived before the close stays readable even once
   *   `close` has resolved (until an `abort()`).
   * - `options.signal` fired (or already aborted): `{ type: 'aborted' }`;
   *   nothing is lost and the flow stays usable.
   */
  read(options?: ReadOptions): Promise<ReadResult> {
    const result = this.#reads.read(options);
    // The read took a queued chunk synchronously, or waits: either way the
    // queue may now be below the mark (or this is the first read of a
    // connection handed over paused).
    if (this.#paused) this.#resume();
    return result;
  }

  #onEnd(): void {
    this.#reads.end();
    this.#maybeRelease();
  }

  // --- write path ----------------------------------------------------------

  #closedForWriting(): WriteError {
    return closedError(`flow to ${this.label} is closed for writing`);
  }

  #closedWrite(): Promise<WriteResult> {
    return Promise.resolve(err(this.#writeError ?? this.#closedForWriting()));
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
   * when `closeWrite` has flushed it). A zero-length write sends nothing.
   * After `closeWrite()`, `close()`, `abort()` or a failure:
   * `{ type: 'closed' }` (the cause says why). Concurrent writes go out in
   * call order.
   *
   * @throws TypeError naming `buffer` when it is not a `Uint8Array` (a
   *   programming error, reported at the call).
   */
  write(buffer: Uint8Array): Promise<WriteResult> {
    checkBytes(buffer, 'write', 'buffer');
    if (this.#write !== 'open') return this.#closedWrite();
    const n = buffer.byteLength;
    if (n === 0) return OK_PROMISE;
    this.#bytesWritten += n;
    return this.#duplex.write(buffer) ? OK_PROMISE : this.#waitDrain();
  }

  /**
   * Writes `buffers` as one corked batch, so Node passes them to the kernel
   * in one `writev` call. Same results as {@link SocketFlow.write}; empty
   * buffers are skipped, and an empty list sends nothing.
   *
   * @throws TypeError naming `buffers` (or `buffers[i]`) when it is not an
   *   array of `Uint8Array`s.
   */
  writev(buffers: readonly Uint8Array[]): Promise<WriteResult> {
    checkByteList(buffers, 'writev', 'buffers');
    if (this.#write !== 'open') return this.#closedWrite();
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

  #onFinish(): void {
    if (this.#write === 'closing' || this.#write === 'open') this.#write = 'closed';
    // 'drain' is not emitted once end() was called; the flush is the answer.
    this.#settleWriters(ok());
    this.#closeWrite?.settle(ok());
    this.#maybeRelease();
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
    if (this.#closeWrite === undefined) {
      const settled = new Settled<WriteResult>();
      this.#closeWrite = settled;
      switch (this.#write) {
        case 'closed':
          settled.settle(ok());
          break;
        case 'failed':
          settled.settle(err(this.#writeError ?? this.#closedForWriting()));
          break;
        case 'open':
          this.#write = 'closing';
          this.#writeError = this.#closedForWriting();
          this.#listenForFinish();
          this.#duplex.end();
          break;
        case 'closing':
          // The duplex was already ending when the flow took it over: 'finish' settles it.
          break;
      }
    }
    return this.#closeWrite.promise;
  }

  /**
   * {@link SocketFlow.closeWrite}, then waits for the remote's end-of-stream,
   * then destroys the socket; resolves once its handle is closed. Reads keep
   * working meanwhile.
   *
   * How much unread data `close` waits through: the flow queues what the
   * application has not read and pauses the socket after the chunk that
   * brings the queue to `readHighWaterMark` (a socket read is at most
   * 64 KiB). While at most `readHighWaterMark` bytes are unread, the
   * remote's end-of-stream is therefore always seen and `close` resolves
   * without any read; that data stays readable afterwards (then `EOF`).
   * Whatever the remote sent after the chunk that reached the mark, its
   * end-of-stream included, waits in the OS: `close` then resolves only
   * after you read, or when `signal` fires (the flow is aborted: RST).
   * Nothing is dropped to let `close` finish, and memory stays bounded.
   *
   * If the remote has already closed, resolves as soon as our end-of-stream
   * is flushed. After `abort()` or a failure, resolves at once. Idempotent:
   * every call returns the same promise. Never rejects.
   */
  close(options?: CloseOptions): Promise<void> {
    let close = this.#close;
    if (close === undefined) {
      close = new Settled<void>();
      this.#close = close;
      if (this.#released) close.settle();
      else {
        // Its result needs no answer here: a failed flush fails the flow,
        // and a failed flow is released.
        void this.closeWrite();
        // A connection never read (handed over paused) must read to see the FIN.
        this.#resume();
        this.#maybeRelease();
      }
    }
    if (!close.settled) abortOnSignal(options?.signal, close.promise, (reason) => this.abort(reason));
    return close.promise;
  }

  /** Once `close` was called and both halves are done, frees the handle; `'close'` then settles it. */
  #maybeRelease(): void {
    const close = this.#close;
    if (close === undefined || close.settled) return;
    if (this.#reads.state === 'open' || this.#write === 'open' || this.#write === 'closing') return;
    if (!this.#duplex.destroyed) this.#duplex.destroy();
    else if (this.#released) close.settle();
  }

  /**
   * Tears the flow down at once, in any state: a TCP RST on TCP sockets (see
   * {@link SocketFlowHooks.reset}), queued reads and unsent writes are
   * dropped. Pending and later reads resolve with an error at once,
   * `{ type: 'aborted' }`, or the earlier failure's error if the flow had
   * already failed; never with data or `EOF`, not even after a clean close.
   * Pending and later writes resolve `{ type: 'closed' }`, a pending
   * `closeWrite` resolves `closed`, a pending `close` resolves. Safe to call
   * repeatedly.
   */
  abort(reason?: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    const message = `flow to ${this.label} was aborted`;
    this.#reads.abort(
      reason === undefined ? { type: 'aborted', message } : { type: 'aborted', message, cause: reason },
    );
    if (this.#write !== 'failed' || this.#writeError === undefined) {
      this.#writeError = closedError(message, reason);
    }
    this.#write = 'failed';
    this.#settleWriters(err(this.#writeError));
    this.#closeWrite?.settle(err(this.#writeError));
    if (!this.#duplex.destroyed) (this.#hooks?.reset ?? defaultReset)(this.#duplex);
    this.#released = true;
    this.#close?.settle();
  }

  // --- failure ---------------------------------------------------------------

  #fail(error: FlowError): void {
    this.#reads.fail(error);
    if (this.#write === 'open' || this.#write === 'closing') {
      this.#write = 'failed';
      this.#writeError = closedError(`flow to ${this.label} can no longer send: ${error.message}`, error);
      this.#settleWriters(err(this.#writeError));
      // The FIN did not leave: what stopped it is the closeWrite result.
      this.#closeWrite?.settle(err(error));
    }
  }

  #onError(error: unknown): void {
    if (this.#aborted) return;
    const mapError = this.#hooks?.mapError;
    this.#fail(mapError === undefined ? flowErrorFromNode(error, this.label) : mapError(error));
    this.#maybeRelease();
  }

  #onClose(): void {
    // Nothing but closeWrite() ends the duplex, but if something else did, its flush still counts.
    if ((this.#write === 'open' || this.#write === 'closing') && this.#duplex.writableFinished) {
      this.#onFinish();
    }
    if (
      !this.#aborted &&
      (this.#reads.state === 'open' || this.#write === 'open' || this.#write === 'closing')
    ) {
      this.#fail({ type: 'io', message: `connection to ${this.label} was closed before end-of-stream` });
    }
    this.#settleWriters(err(this.#writeError ?? closedError(`flow to ${this.label} is closed`)));
    this.#released = true;
    this.#close?.settle();
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
