import {
  closedError,
  err,
  type Flow,
  type FlowError,
  ok,
  type ReadOptions,
  type ReadResult,
  type WriteError,
  type WriteResult,
} from '@flowkit/flow-types';
import {
  abortOnSignal,
  checkByteList,
  checkBytes,
  type FlowState,
  flowState,
  ReadQueue,
  Settled,
  show,
  signalOption,
  type WriteHalf,
} from '@flowkit/kernel';
import { closeFlowError, protocolError } from './flow-errors.js';
import type { MessageSink, MessageSocket } from './message-socket.js';
import { CloseCode, END_OF_STREAM, SUBPROTOCOL } from './protocol.js';

/** Limits of one {@link WebSocketFlow}, already checked by the entry point. */
export interface WebSocketFlowLimits {
  /** Bytes received and not yet read above which the socket is paused. */
  readonly readHighWaterMark: number;
  /** Bytes sent and not yet handed to the transport above which writes wait. */
  readonly writeHighWaterMark: number;
  /** Writes are cut into messages of at most this many bytes. */
  readonly maxMessageBytes: number;
}

const OK_WRITE: Promise<WriteResult> = Promise.resolve(ok());

/**
 * A {@link Flow} over one WebSocket connection, on any runtime: binary
 * messages carry the bytes, and with the `flowkit.v1` subprotocol a text
 * message `eof` carries end-of-stream, which gives a real half-close. The
 * README's "Mapping" section is the whole behaviour; `connect` and `listen`
 * make these.
 */
export class WebSocketFlow implements Flow {
  /**
   * Whether the connection speaks `flowkit.v1`, so {@link WebSocketFlow.closeWrite}
   * is a real half-close. Without it `closeWrite` resolves with an error and
   * `close` is the plain WebSocket close.
   */
  readonly halfClose: boolean;
  /** The subprotocol the handshake selected (`'flowkit.v1'`, or `''` for none). */
  readonly protocol: string;
  /** The remote, as messages name it: the URL dialed, or the client's address on a listener. */
  readonly peer: string;

  readonly #socket: MessageSocket;
  readonly #limits: WebSocketFlowLimits;
  readonly #reads: ReadQueue;
  #paused = false;
  #writeHalf: WriteHalf = 'open';
  #writeError: WriteError | undefined;
  /** Bytes given to the socket so far, and bytes it reported handed to the transport (in order). */
  #given = 0;
  #sent = 0;
  /** Writes waiting until the transport took their last byte (`end`). */
  #blockedWrites: { readonly end: number; readonly resolve: (result: WriteResult) => void }[] = [];
  #closeWrite: Settled<WriteResult> | undefined;
  #closeSent = false;
  #gone = false;
  readonly #released = new Settled<void>();
  #bytesRead = 0;
  #bytesWritten = 0;

  /** Wraps an open socket. Internal: use `connect` or `listen`. */
  constructor(socket: MessageSocket, peer: string, limits: WebSocketFlowLimits) {
    this.#socket = socket;
    this.#limits = limits;
    this.peer = peer;
    this.protocol = socket.protocol;
    this.halfClose = socket.protocol === SUBPROTOCOL;
    this.#reads = new ReadQueue({ onTake: (queued) => this.#onTake(queued) });
    const sink: MessageSink = {
      onBinary: (data) => this.#onBinary(data),
      onText: (text) => this.#onText(text),
      onClose: (code, reason, error) => this.#onClose(code, reason, error),
    };
    socket.start(sink);
  }

  /** Where the flow is: derived from the read half and the write half. */
  get state(): FlowState {
    return flowState(this.#reads.state, this.#writeHalf);
  }

  /** Payload bytes received so far (excluding framing). */
  get bytesRead(): number {
    return this.#bytesRead;
  }

  /** Payload bytes handed to the transport so far (excluding framing). */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /** {@link Flow.read}: one message's payload per read, in order, then `EOF` or the error. */
  read(options?: ReadOptions): Promise<ReadResult> {
    // The read queue reads and checks options.signal (kernel signalOption).
    return this.#reads.read(options);
  }

  /** {@link Flow.write}: sent as binary messages of at most `maxMessageBytes`. */
  write(buffer: Uint8Array): Promise<WriteResult> {
    checkBytes(buffer, 'write', 'buffer');
    if (this.#writeHalf !== 'open') return Promise.resolve(err(this.#closed()));
    if (buffer.byteLength === 0) return OK_WRITE;
    this.#sendBytes(buffer);
    return this.#afterSend();
  }

  /**
   * {@link Flow.writev}: one message when the buffers fit in `maxMessageBytes`
   * together (copied into one), else one message per buffer (cut at the limit).
   */
  writev(buffers: readonly Uint8Array[]): Promise<WriteResult> {
    checkByteList(buffers, 'writev', 'buffers');
    if (this.#writeHalf !== 'open') return Promise.resolve(err(this.#closed()));
    let total = 0;
    let parts = 0;
    for (const b of buffers) {
      total += b.byteLength;
      if (b.byteLength > 0) parts++;
    }
    if (total === 0) return OK_WRITE;
    if (parts > 1 && total <= this.#limits.maxMessageBytes) {
      const joined = new Uint8Array(total);
      let at = 0;
      for (const b of buffers) {
        joined.set(b, at);
        at += b.byteLength;
      }
      this.#sendBytes(joined);
    } else {
      for (const b of buffers) if (b.byteLength > 0) this.#sendBytes(b);
    }
    return this.#afterSend();
  }

  /**
   * {@link Flow.closeWrite}. With `flowkit.v1`: sends the `eof` text message
   * after every message already sent, resolves `ok` once it was handed to
   * the transport. Without it: resolves with an `io` error (`ENOTSUP`),
   * sends nothing (plain WebSocket has no half-close) and ends writing:
   * later writes return `closed`; `close()` still closes.
   */
  closeWrite(): Promise<WriteResult> {
    if (this.#closeWrite !== undefined) return this.#closeWrite.promise;
    const settled = new Settled<WriteResult>();
    this.#closeWrite = settled;
    if (!this.halfClose) {
      const error: FlowError = {
        type: 'io',
        code: 'ENOTSUP',
        message: `half-close is not available on the WebSocket connection to ${this.peer}: the peer did not select the ${SUBPROTOCOL} subprotocol; close() still works`,
      };
      if (this.#writeHalf === 'open') {
        // Writes end as after any closeWrite(), though nothing was sent.
        this.#writeHalf = 'failed';
        this.#writeError = closedError(
          'writes ended by closeWrite() (plain WebSocket: nothing was sent)',
          error,
        );
      }
      settled.settle(err(error));
      return settled.promise;
    }
    if (this.#writeHalf !== 'open') {
      settled.settle(err(this.#closed()));
      return settled.promise;
    }
    this.#writeHalf = 'closing';
    this.#socket.sendText(END_OF_STREAM, (error) => {
      if (error != null) {
        this.#failWrites(
          closedError(`WebSocket connection to ${this.peer} closed before end-of-stream was sent`, error),
        );
        return;
      }
      if (this.#writeHalf === 'closing') this.#writeHalf = 'closed';
      settled.settle(ok());
      this.#finishIfDone();
    });
    return settled.promise;
  }

  /**
   * {@link Flow.close}. With `flowkit.v1`: `closeWrite`, then wait for the
   * peer's `eof`, then the WebSocket closing handshake (code 1000). Without
   * it: the closing handshake at once (code 1000); it resolves when the
   * peer's Close frame arrived and the connection is gone.
   */
  close(options?: { signal?: AbortSignal }): Promise<void> {
    const signal = signalOption(options, 'close');
    if (!this.#released.settled) {
      if (this.halfClose) {
        void this.closeWrite();
      } else {
        if (this.#writeHalf === 'open') this.#writeHalf = 'closed';
        this.#sendClose();
      }
    }
    // A closed flow stays closed: a later close's signal has nothing to bound
    // and must not drop data still unread.
    if (!this.#released.settled)
      abortOnSignal(signal, this.#released.promise, (reason) => this.abort(reason));
    return this.#released.promise;
  }

  /**
   * {@link Flow.abort}: drops the connection without a Close frame (`ws`'s
   * `terminate()`), so the remote reads a `reset` error, not `EOF`.
   */
  abort(reason?: unknown): void {
    const error: FlowError =
      reason === undefined
        ? { type: 'aborted', message: 'flow was aborted' }
        : { type: 'aborted', message: 'flow was aborted', cause: reason };
    this.#reads.abort(error);
    this.#failWrites(closedError('flow was aborted', reason));
    if (!this.#gone) {
      this.#gone = true;
      this.#socket.terminate();
    }
    this.#released.settle();
  }

  #sendBytes(data: Uint8Array): void {
    const max = this.#limits.maxMessageBytes;
    for (let at = 0; at < data.byteLength; at += max) {
      const part = at === 0 && data.byteLength <= max ? data : data.subarray(at, at + max);
      const n = part.byteLength;
      this.#given += n;
      this.#socket.sendBinary(part, (error) => this.#onSent(n, error));
    }
  }

  /**
   * Backpressure: a write resolves at once while at most
   * `writeHighWaterMark` bytes are unsent; above it, once the transport took
   * the write's own last byte (so a write stalled behind a dead peer fails
   * instead of riding on an earlier write's progress).
   */
  #afterSend(): Promise<WriteResult> {
    if (this.#blockedWrites.length === 0 && this.#given - this.#sent <= this.#limits.writeHighWaterMark) {
      return OK_WRITE;
    }
    if (this.#writeHalf === 'failed') return Promise.resolve(err(this.#closed()));
    return new Promise((resolve) => this.#blockedWrites.push({ end: this.#given, resolve }));
  }

  #onSent(bytes: number, error: unknown): void {
    if (error != null) {
      this.#failWrites(closedError(`WebSocket connection to ${this.peer} is closed`, error));
      return;
    }
    this.#sent += bytes;
    this.#bytesWritten += bytes;
    const blocked = this.#blockedWrites;
    while (blocked.length > 0 && blocked[0]!.end <= this.#sent) blocked.shift()!.resolve(ok());
  }

  #failWrites(error: WriteError): void {
    if (this.#writeHalf === 'failed') return;
    if (this.#writeHalf !== 'closed') this.#writeHalf = 'failed';
    this.#writeError = error;
    this.#closeWrite?.settle(err(error));
    const blocked = this.#blockedWrites;
    this.#blockedWrites = [];
    for (const write of blocked) write.resolve(err(error));
  }

  #closed(): WriteError {
    return this.#writeError ?? closedError(`flow to ${this.peer} is closed for writing`);
  }

  #onTake(queuedBytes: number): void {
    if (this.#paused && queuedBytes < this.#limits.readHighWaterMark) {
      this.#paused = false;
      this.#socket.resume();
    }
  }

  #onBinary(data: Uint8Array): void {
    if (this.#reads.state !== 'open') {
      if (this.#reads.state === 'eof' && this.halfClose) {
        this.#violate(protocolError(this.peer, 'sent data after its end-of-stream'), CloseCode.protocolError);
      }
      return;
    }
    this.#bytesRead += data.byteLength;
    this.#reads.push(data);
    if (!this.#paused && this.#reads.queuedBytes >= this.#limits.readHighWaterMark) {
      this.#paused = true;
      this.#socket.pause();
    }
  }

  #onText(text: string): void {
    if (this.halfClose && text === END_OF_STREAM && this.#reads.state === 'open') {
      this.#reads.end();
      this.#finishIfDone();
      return;
    }
    if (this.#reads.state === 'failed') return;
    const what = this.halfClose
      ? `sent a text message that ${SUBPROTOCOL} does not define (${show(text.slice(0, 32))}); only one "${END_OF_STREAM}" is allowed`
      : 'sent a text message; flowkit carries bytes in binary messages only';
    this.#violate(protocolError(this.peer, what), CloseCode.unsupportedData);
  }

  /** The peer broke the mapping: reads end with `error` after what came before, and the connection closes with `code`. */
  #violate(error: FlowError, code: number): void {
    this.#reads.fail(error);
    this.#failWrites(closedError(`WebSocket connection to ${this.peer} failed`, error));
    this.#sendClose(code, 'flowkit: unexpected message');
  }

  /** With `flowkit.v1`, both directions ended: close the connection, as TCP does after both FINs. */
  #finishIfDone(): void {
    if (this.#writeHalf === 'closed' && this.#reads.state === 'eof') this.#sendClose();
  }

  #sendClose(code: number = CloseCode.normal, reason = ''): void {
    if (this.#closeSent || this.#gone) return;
    this.#closeSent = true;
    this.#socket.close(code, reason);
  }

  #onClose(code: number, reason: string, error: unknown): void {
    this.#gone = true;
    const failure = closeFlowError(code, reason, error, this.peer);
    if (failure === undefined) this.#reads.end();
    else this.#reads.fail(failure);
    this.#failWrites(closedError(`WebSocket connection to ${this.peer} is closed`, failure ?? error));
    if (this.#paused) this.#paused = false;
    this.#released.settle();
  }
}
