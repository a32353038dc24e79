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
  type ReadHalf,
  ReadQueue,
  Settled,
  show,
  signalOption,
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
   * (`resetAndDestroy()`) on a plain TCP `net.Socket`, even while
   * `closeWrite()` is still flushing (the remote then reads a reset, not a
   * clean EOF after a cut-short stream); `destroy(error)` on a `Duplex`
   * that is not a `net.Socket` (so a `toNodeDuplex` stream aborts its flow
   * instead of closing it gracefully); `destroy()` on the rest (a unix
   * socket, a `tls.TLSSocket`, a TCP socket whose data has all left and
   * whose shutdown is in flight, where libuv refuses the RST).
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
  /**
   * Computes both addresses (and the label, when `label` is not given) from
   * the duplex on first use instead of at creation: an idle flow then holds
   * no address objects (Node caches its own on first access, too). The flow
   * calls it at the latest when data first moves or the connection ends, so
   * the handle is usually still there; it gets these options too, so
   * `localAddress`/`remoteAddress` given alongside can stand in when Node no
   * longer knows an address. Transports pass one module-level function (a
   * closure per flow would keep its whole scope alive). Default: none (the
   * static options are used).
   */
  readonly describe?: (duplex: Duplex, options: FromNodeDuplexOptions<A>) => SocketFlowDescription<A>;
}

/** What {@link FromNodeDuplexOptions.describe} returns. */
export interface SocketFlowDescription<A> {
  readonly localAddress: A;
  readonly remoteAddress: A;
  /** Names the remote in error messages. */
  readonly label: string;
}

/**
 * What an idle flow does not need: allocated when data first moves, or on
 * the first `closeWrite`/`close`/`abort`, or a failure.
 */
interface Later<A> {
  /** What `describe` said, taken once. */
  description: SocketFlowDescription<A> | undefined;
  /** See {@link SocketFlow.bytesRead}, {@link SocketFlow.bytesWritten}. */
  bytesRead: number;
  bytesWritten: number;
  // Why writes now return `closed`; set when the write half leaves `open`.
  writeError: WriteError | undefined;
  drainWaiters: ((result: WriteResult) => void)[] | undefined;
  closeWrite: Settled<WriteResult> | undefined;
  close: Settled<void> | undefined;
  // 'drain' and 'finish' are listened for only once a write had to wait or end() was called.
  drainListening: boolean;
  finishListening: boolean;
  // Set by abort(); an 'error' event after it changes nothing.
  aborted: boolean;
  // The handle is gone (or the flow aborted): a later close() resolves at once.
  released: boolean;
}

/**
 * The flow that owns each duplex, so that one set of module-wide listener
 * functions serves every flow: per-flow arrow functions cost a closure (and,
 * once named, a property dictionary) each, which was most of an idle flow's
 * memory. Kept here, not as a property of the duplex: a property added to a
 * `net.Socket` gives it a hidden class of its own, and Node's stream code,
 * which sees a plain socket's few, then saw one more and went megamorphic
 * (the `_handle` getter of `net.js` first), slowing every read and write of
 * every socket in the process.
 */
const owners = new WeakMap<Duplex, SocketFlow<unknown>>();

const OK_PROMISE: Promise<WriteResult> = Promise.resolve(ok());
const EMPTY_PROBE = Buffer.alloc(0);

function defaultReset(duplex: Duplex): void {
  if (!(duplex instanceof Socket)) {
    // A plain destroy() after end() is how Node's TLS layer releases its
    // transport gracefully, and a Duplex over a flow (toNodeDuplex) closes
    // its flow then; with an error it aborts it, as abort() means.
    duplex.destroy(new Error('flow aborted'));
    return;
  }
  // While a shutdown request is in flight, libuv refuses the RST:
  // uv_tcp_close_reset returns EINVAL when a shutdown is pending, Node
  // reports that as an 'error' and drops its reference to the handle without
  // closing it, so the socket's fd stayed open for the life of the process.
  // Node issues the shutdown only once every buffered write has left
  // (writableLength 0, then _final); until then end() has only been noted,
  // and the RST must go, or the remote would read the data that did leave
  // and then a clean EOF: a stream cut short that looks complete. Once the
  // shutdown is issued, every byte has been handed to the kernel and a plain
  // destroy is the only way to free the handle.
  const shutting = duplex.writableEnded && !duplex.writableFinished && duplex.writableLength === 0;
  if (!shutting && !(duplex as { encrypted?: boolean }).encrypted) {
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
  readonly #duplex: Duplex;
  // The options as given: transports share one object among their flows.
  readonly #options: FromNodeDuplexOptions<A>;
  // Allocated on first data or read: an idle flow holds no queue.
  #queue: ReadQueue | undefined;
  #write: WriteHalf = 'open';
  #later: Later<A> | undefined;

  /** Prefer {@link fromNodeDuplex}. Takes ownership of `duplex`. */
  constructor(duplex: Duplex, options: FromNodeDuplexOptions<A> = {}) {
    this.#duplex = duplex;
    this.#options = options;
    const highWaterMark = options.readHighWaterMark;
    // 0 would pause on the first chunk and never resume; NaN would never pause.
    if (highWaterMark !== undefined && (!Number.isInteger(highWaterMark) || highWaterMark <= 0)) {
      throw new TypeError(
        `fromNodeDuplex: readHighWaterMark must be an integer > 0, got ${show(highWaterMark)}`,
      );
    }

    // Without this Node ends our side as soon as the remote's FIN arrives,
    // and half-close silently becomes a full close.
    duplex.allowHalfOpen = true;
    owners.set(duplex, this as SocketFlow<unknown>);
    duplex.on('error', SocketFlow.#errorListener);
    // No 'end' listener yet: see #reads().
    duplex.on('close', SocketFlow.#closeListener);
    // A paused duplex (readableFlowing false) is not resumed by a 'data'
    // listener: it stays paused until #resume().
    if (duplex.destroyed) {
      this.#onClose();
      return;
    }
    if (duplex.writableFinished) this.#write = 'closed';
    else if (duplex.writableEnded) {
      this.#write = 'closing';
      this.#listenForFinish();
    }
    if (this.#write !== 'open') this.#more().writeError = this.#closedForWriting();
    duplex.on('data', SocketFlow.#dataListener);
  }

  /** This end's address, as the transport describes it; fixed once known. */
  get localAddress(): A {
    return this.#options.describe === undefined
      ? (this.#options.localAddress as A)
      : this.#describe().localAddress;
  }

  /** The remote's address, as the transport describes it; fixed once known. */
  get remoteAddress(): A {
    return this.#options.describe === undefined
      ? (this.#options.remoteAddress as A)
      : this.#describe().remoteAddress;
  }

  /** Names the remote in error messages. */
  get label(): string {
    const given = this.#options.label;
    if (given !== undefined) return given;
    return this.#options.describe === undefined ? 'the peer' : this.#describe().label;
  }

  #describe(): SocketFlowDescription<A> {
    const later = this.#more();
    later.description ??= this.#options.describe!(this.#duplex, this.#options);
    return later.description;
  }

  /** Takes the description while the handle still exists (a no-op without `describe`). */
  #keepDescription(): void {
    if (this.#options.describe !== undefined && this.#later?.description === undefined) this.#describe();
  }

  /**
   * The flow leaves idleness (data moves, a close or abort begins, a
   * failure): the description is taken now, while the handle is usually
   * still there.
   */
  #more(): Later<A> {
    if (this.#later !== undefined) return this.#later;
    this.#later = {
      description: undefined,
      bytesRead: 0,
      bytesWritten: 0,
      writeError: undefined,
      drainWaiters: undefined,
      closeWrite: undefined,
      close: undefined,
      drainListening: false,
      finishListening: false,
      aborted: false,
      released: false,
    };
    this.#keepDescription();
    return this.#later;
  }

  /**
   * The duplex is paused: above the high-water mark, or handed over paused
   * (`pauseOnConnect`). Node's own flag, so the flow keeps no copy of it.
   */
  get #paused(): boolean {
    return this.#duplex.readableFlowing === false;
  }

  /**
   * The read queue, made on first data, read, `close`, `abort` or failure.
   * Only then does the flow listen for `'end'`: a `net.Socket` already has
   * an `'end'` listener of its own, so ours would cost each idle socket an
   * array. Until then the read half is Node's own `readableEnded`
   * ({@link SocketFlow.#readHalf}), and a queue made after the end starts
   * ended.
   */
  #reads(): ReadQueue {
    if (this.#queue !== undefined) return this.#queue;
    const queue = new ReadQueue();
    this.#queue = queue;
    if (this.#duplex.readableEnded) queue.end();
    else this.#duplex.on('end', SocketFlow.#endListener);
    return queue;
  }

  /** The read half, whether or not the queue exists yet. */
  #readHalf(): ReadHalf {
    return this.#queue?.state ?? (this.#duplex.readableEnded ? 'eof' : 'open');
  }

  get #highWaterMark(): number {
    return this.#options.readHighWaterMark ?? DEFAULT_READ_HIGH_WATER_MARK;
  }

  // Node calls listeners with `this` = the duplex; these look its flow up in `owners`.
  static readonly #dataListener = function (this: Duplex, chunk: Buffer): void {
    owners.get(this)!.#onData(chunk);
  };
  static readonly #endListener = function (this: Duplex): void {
    owners.get(this)!.#onEnd();
  };
  static readonly #closeListener = function (this: Duplex): void {
    owners.get(this)!.#onClose();
  };
  static readonly #errorListener = function (this: Duplex, error: unknown): void {
    owners.get(this)!.#onError(error);
  };
  static readonly #drainListener = function (this: Duplex): void {
    owners.get(this)!.#settleWriters(ok());
  };
  static readonly #finishListener = function (this: Duplex): void {
    owners.get(this)!.#onFinish();
  };

  #listenForFinish(): void {
    const later = this.#more();
    if (later.finishListening) return;
    later.finishListening = true;
    this.#duplex.on('finish', SocketFlow.#finishListener);
  }

  /** Bytes handed to readers or queued for them so far. */
  get bytesRead(): number {
    return this.#later?.bytesRead ?? 0;
  }

  /** Bytes accepted by `write`/`writev` so far (queued in Node or sent). */
  get bytesWritten(): number {
    return this.#later?.bytesWritten ?? 0;
  }

  /**
   * Derived from the two halves (the kernel's `flowState`): `open`;
   * `write-closed` after {@link SocketFlow.closeWrite} (or a write failure)
   * while the remote may still send; `read-done` once the remote's EOF or an
   * error ended the read half while writes still work; `closed` when both
   * are done (after `close`, a failure or `abort`).
   */
  get state(): FlowState {
    return flowState(this.#readHalf(), this.#write);
  }

  // --- read path -----------------------------------------------------------

  #onData(chunk: Buffer): void {
    (this.#later ?? this.#more()).bytesRead += chunk.length;
    const reads = this.#queue ?? this.#reads();
    reads.push(chunk);
    // A chunk handed straight to a waiting read leaves the queue empty.
    if (reads.queuedBytes >= this.#highWaterMark && !this.#paused) this.#duplex.pause();
  }

  /** Resumes a paused duplex once the queue is below the mark (and the stream may still send). */
  #resume(): void {
    const reads = this.#queue;
    if (
      !this.#paused ||
      (reads !== undefined && (reads.queuedBytes >= this.#highWaterMark || reads.state !== 'open'))
    ) {
      return;
    }
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
    const result = (this.#queue ?? this.#reads()).read(options);
    // The read took a queued chunk synchronously, or waits: either way the
    // queue may now be below the mark (or this is the first read of a
    // connection handed over paused).
    if (this.#paused) this.#resume();
    return result;
  }

  #onEnd(): void {
    this.#keepDescription();
    this.#reads().end();
    this.#maybeRelease();
  }

  // --- write path ----------------------------------------------------------

  #closedForWriting(): WriteError {
    return closedError(`flow to ${this.label} is closed for writing`);
  }

  #closedWrite(): Promise<WriteResult> {
    return Promise.resolve(err(this.#later?.writeError ?? this.#closedForWriting()));
  }

  #waitDrain(): Promise<WriteResult> {
    const later = this.#more();
    if (!later.drainListening) {
      later.drainListening = true;
      this.#duplex.on('drain', SocketFlow.#drainListener);
    }
    return new Promise<WriteResult>((resolve) => {
      if (later.drainWaiters === undefined) later.drainWaiters = [resolve];
      else later.drainWaiters.push(resolve);
    });
  }

  #settleWriters(result: WriteResult): void {
    const later = this.#later;
    const waiters = later?.drainWaiters;
    if (waiters === undefined || waiters.length === 0) return;
    later!.drainWaiters = undefined;
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
    (this.#later ?? this.#more()).bytesWritten += n;
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
    const later = this.#later ?? this.#more();
    let flushed = true;
    duplex.cork();
    for (const b of buffers) {
      if (b.byteLength === 0) continue;
      later.bytesWritten += b.byteLength;
      flushed = duplex.write(b);
    }
    duplex.uncork();
    return flushed ? OK_PROMISE : this.#waitDrain();
  }

  #onFinish(): void {
    if (this.#write === 'closing' || this.#write === 'open') this.#write = 'closed';
    // 'drain' is not emitted once end() was called; the flush is the answer.
    this.#settleWriters(ok());
    this.#later?.closeWrite?.settle(ok());
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
    const later = this.#more();
    if (later.closeWrite === undefined) {
      const settled = new Settled<WriteResult>();
      later.closeWrite = settled;
      switch (this.#write) {
        case 'closed':
          settled.settle(ok());
          break;
        case 'failed':
          settled.settle(err(later.writeError ?? this.#closedForWriting()));
          break;
        case 'open':
          this.#write = 'closing';
          later.writeError = this.#closedForWriting();
          this.#listenForFinish();
          this.#probeForReset();
          this.#duplex.end();
          break;
        case 'closing':
          // The duplex was already ending when the flow took it over: 'finish' settles it.
          break;
      }
    }
    return later.closeWrite.promise;
  }

  /**
   * A zero-length write ahead of the FIN on a plain TCP socket. A paused
   * socket never sees an RST the remote already sent, and Node ignores the
   * status of its shutdown request, so `'finish'` (and an `ok` from
   * `closeWrite`) would follow a FIN that never left. An empty write asks
   * the kernel all the same: on a reset connection it fails with
   * `ECONNRESET`, which reaches `'error'` and settles `closeWrite` with the
   * reset. It sends nothing.
   */
  #probeForReset(): void {
    const duplex = this.#duplex;
    if (duplex instanceof Socket && !(duplex as { encrypted?: boolean }).encrypted) duplex.write(EMPTY_PROBE);
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
   * every call returns the same promise. Never rejects. `options.signal` is
   * read as an own property only.
   *
   * @throws TypeError when `options.signal` is not an `AbortSignal` (a
   *   programming error, reported at the call).
   */
  close(options?: CloseOptions): Promise<void> {
    const signal = signalOption(options, 'close');
    const later = this.#more();
    let close = later.close;
    if (close === undefined) {
      close = new Settled<void>();
      later.close = close;
      if (later.released) close.settle();
      else {
        // From now on the remote's end must be heard.
        this.#reads();
        // Its result needs no answer here: a failed flush fails the flow,
        // and a failed flow is released.
        void this.closeWrite();
        // A connection never read (handed over paused) must read to see the FIN.
        this.#resume();
        this.#maybeRelease();
      }
    }
    if (!close.settled) abortOnSignal(signal, close.promise, (reason) => this.abort(reason));
    return close.promise;
  }

  /** Once `close` was called and both halves are done, frees the handle; `'close'` then settles it. */
  #maybeRelease(): void {
    const later = this.#later;
    const close = later?.close;
    if (close === undefined || close.settled) return;
    if (this.#readHalf() === 'open') return;
    if (this.#write === 'open' || this.#write === 'closing') return;
    if (!this.#duplex.destroyed) {
      this.#keepDescription();
      this.#duplex.destroy();
    } else if (later!.released) close.settle();
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
    const later = this.#more();
    if (later.aborted) return;
    later.aborted = true;
    if (!this.#duplex.destroyed) this.#keepDescription();
    const message = `flow to ${this.label} was aborted`;
    this.#reads().abort(
      reason === undefined ? { type: 'aborted', message } : { type: 'aborted', message, cause: reason },
    );
    if (this.#write !== 'failed' || later.writeError === undefined) {
      later.writeError = closedError(message, reason);
    }
    this.#write = 'failed';
    const closed = err(later.writeError);
    this.#settleWriters(closed);
    later.closeWrite?.settle(closed);
    if (!this.#duplex.destroyed) (this.#options.hooks?.reset ?? defaultReset)(this.#duplex);
    later.released = true;
    later.close?.settle();
  }

  // --- failure ---------------------------------------------------------------

  #fail(error: FlowError): void {
    this.#reads().fail(error);
    if (this.#write === 'open' || this.#write === 'closing') {
      const later = this.#more();
      this.#write = 'failed';
      later.writeError = closedError(`flow to ${this.label} can no longer send: ${error.message}`, error);
      this.#settleWriters(err(later.writeError));
      // The FIN did not leave: what stopped it is the closeWrite result.
      later.closeWrite?.settle(err(error));
    }
  }

  #onError(error: unknown): void {
    if (this.#later?.aborted) return;
    const mapError = this.#options.hooks?.mapError;
    this.#fail(mapError === undefined ? flowErrorFromNode(error, this.label) : mapError(error));
    this.#maybeRelease();
  }

  #onClose(): void {
    // Nothing but closeWrite() ends the duplex, but if something else did, its flush still counts.
    if ((this.#write === 'open' || this.#write === 'closing') && this.#duplex.writableFinished) {
      this.#onFinish();
    }
    const later = this.#more();
    const reading = this.#readHalf() === 'open';
    if (!later.aborted && (reading || this.#write === 'open' || this.#write === 'closing')) {
      this.#fail({ type: 'io', message: `connection to ${this.label} was closed before end-of-stream` });
    }
    this.#settleWriters(err(later.writeError ?? closedError(`flow to ${this.label} is closed`)));
    later.released = true;
    later.close?.settle();
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
