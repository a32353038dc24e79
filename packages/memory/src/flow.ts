import {
  type CloseOptions,
  closedError,
  type Flow,
  type FlowError,
  type ReadOptions,
  type ReadResult,
  type WriteResult,
} from '@flowkit/flow-types';
import {
  abortOnSignal,
  checkByteList,
  checkBytes,
  type FlowState,
  flowState,
  type ReadHalf,
  Settled,
  signalOption,
  type WriteHalf,
} from '@flowkit/kernel';
import type { Pipe } from './pipe.js';

function flowError(type: 'aborted' | 'reset', message: string, cause: unknown): FlowError {
  return cause === undefined ? { type, message } : { type, message, cause };
}

/**
 * One end of an in-process connection, made by `pair` or by the named
 * `listen`/`connect`: it reads from one {@link Pipe} and writes into the
 * other. Implements {@link Flow} exactly; its {@link MemoryFlow.state} is
 * derived from its two halves.
 */
export class MemoryFlow implements Flow {
  /**
   * This end's name: for a connection made by `connect`, the dialer is
   * `"<name>#<n>"` and the accepted end is the listener's name. `undefined`
   * for `pair`.
   */
  readonly localName: string | undefined;
  /** The other end's name (see {@link MemoryFlow.localName}). `undefined` for `pair`. */
  readonly remoteName: string | undefined;

  readonly #in: Pipe;
  readonly #out: Pipe;
  #closing: Settled<void> | undefined;

  /** @internal Use `pair` or `connect`. */
  constructor(inbound: Pipe, outbound: Pipe, localName?: string, remoteName?: string) {
    this.#in = inbound;
    this.#out = outbound;
    this.localName = localName;
    this.remoteName = remoteName;
    inbound.onReaderChange = this.#check;
    outbound.onWriterChange = this.#check;
  }

  /**
   * The read half: `open`; `eof` once the remote's end-of-stream arrived
   * (queued data is still read first); `failed` after `abort()`, the
   * remote's abort or a `resetAfter` fault.
   */
  get readHalf(): ReadHalf {
    return this.#in.readHalf;
  }

  /**
   * The write half: `open`; `closing` while `closeWrite` flushes writes
   * waiting for capacity; `closed` once end-of-stream is handed on;
   * `failed` when an abort or a reset came first.
   */
  get writeHalf(): WriteHalf {
    return this.#out.writeHalf;
  }

  /** `open`, `write-closed`, `read-done` or `closed`, from the two halves (see `flowState`). */
  get state(): FlowState {
    return flowState(this.#in.readHalf, this.#out.writeHalf);
  }

  /** Bytes this end's reads have returned so far. */
  get bytesRead(): number {
    return this.#in.delivered;
  }

  /** Bytes this end's writes have had accepted so far (not counting writes still waiting). */
  get bytesWritten(): number {
    return this.#out.accepted;
  }

  /**
   * Bytes this end wrote that the remote has not read yet (in flight or
   * queued). Stays at or below `capacity` plus one write while the writer
   * awaits each write; `0` once the connection is aborted or reset.
   */
  get queuedBytes(): number {
    return this.#out.queuedBytes;
  }

  /**
   * Resolves with the next data: the very buffer the remote wrote, or, when
   * several writes under 1 KiB queued up back to back, one fresh buffer of up
   * to 16 KiB holding them in order. A read waiting when small data arrives
   * is served as soon as the writer pauses (a microtask or two; after a long
   * run of small writes, the next macrotask) or 16 KiB are queued; at once
   * while the writer answers each read with one write (ping-pong). With
   * faults: exactly the pieces the faults made, never merged.
   *
   * After the remote's end: queued data, then `EOF` forever. After
   * `abort()`: `{ type: 'aborted', cause: reason }`. After the remote's abort
   * or a reset fault: `{ type: 'reset' }`, queued data dropped. The first of
   * these errors stays. Cancelled by `options.signal`: `{ type: 'aborted' }`,
   * nothing lost, flow still usable.
   */
  read(options?: ReadOptions): Promise<ReadResult> {
    return this.#in.read(options);
  }

  /**
   * Hands `buffer` to the remote without copying; do not modify it
   * afterwards. Resolves at once while the direction holds fewer than
   * `capacity` bytes, otherwise when the remote has read enough. Empty:
   * succeeds, sends nothing. After `closeWrite()`, `close()`, `abort()` or
   * the remote's abort: `{ type: 'closed' }`; writes still waiting then
   * resolve the same. Throws a `TypeError` if `buffer` is not a `Uint8Array`.
   */
  write(buffer: Uint8Array): Promise<WriteResult> {
    // The check inline, the call (and its message) only for a bad argument: this is the hot path.
    if (!(buffer instanceof Uint8Array)) checkBytes(buffer, 'write', 'buffer');
    return this.#out.write(buffer, buffer.length);
  }

  /**
   * Writes `buffers` in order as one operation: accepted together, so no
   * other write lands between them. Same rules as {@link MemoryFlow.write};
   * an empty list, or only empty buffers, succeeds and sends nothing.
   * Throws a `TypeError` if `buffers` is not an array of `Uint8Array`s.
   */
  writev(buffers: readonly Uint8Array[]): Promise<WriteResult> {
    checkByteList(buffers, 'writev', 'buffers');
    let bytes = 0;
    for (const b of buffers) bytes += b.length;
    return this.#out.write(buffers, bytes);
  }

  /**
   * Half-closes this end's writing side: writes accepted before the call
   * (also those still waiting for capacity) are flushed, then the remote
   * reads `EOF` after them. Resolves `ok` once end-of-stream is queued for
   * the remote (behind the data, or in flight under a latency or bandwidth
   * fault), without waiting for the remote to read it or to close.
   *
   * Stopped first by this end's `abort()`: `{ type: 'closed' }`; by the
   * remote's abort or a `resetAfter` fault: `{ type: 'reset' }`. Every call
   * returns the same promise, so the same result. Afterwards writes return
   * `closed`; reads go on until the remote's `EOF`.
   */
  closeWrite(): Promise<WriteResult> {
    return this.#out.closeWrite();
  }

  /**
   * {@link MemoryFlow.closeWrite}, then waits for the remote's end:
   * resolves once the remote's end-of-stream has arrived here too (unread
   * data stays readable, then `EOF`), so {@link MemoryFlow.state} is
   * `closed`. Every call returns the same promise. With `options.signal`:
   * when it fires first, the flow is aborted (as by `abort(signal.reason)`)
   * and `close` resolves. After `abort()` or a reset: resolves at once.
   */
  close(options?: CloseOptions): Promise<void> {
    const signal = signalOption(options, 'close');
    if (this.#closing === undefined) {
      this.#closing = new Settled();
      void this.closeWrite();
      this.#check();
    }
    const closing = this.#closing;
    if (!closing.settled) abortOnSignal(signal, closing.promise, (reason) => this.abort(reason));
    return closing.promise;
  }

  /**
   * Tears the connection down at once. Here: pending and later reads resolve
   * `{ type: 'aborted', cause: reason }`, writes `closed`, every pending
   * `close` resolves. At the remote (unless both ends' end-of-stream had
   * already arrived): queued data is dropped, reads resolve
   * `{ type: 'reset' }`, writes `closed`, pending `close` calls resolve. Any
   * number of calls, any state; a read half that had already failed keeps
   * its first error.
   *
   * @param reason - kept as the `cause` of the errors this end reports.
   */
  abort(reason?: unknown): void {
    const aborted = flowError('aborted', 'flow was aborted', reason);
    const remote = flowError('reset', 'connection reset: the remote end aborted', reason);
    // After a clean close in both directions, only this end is torn down.
    const clean = this.#in.readHalf === 'eof' && this.#out.readHalf === 'eof';
    this.#in.abort(aborted, remote);
    if (!clean) this.#out.abort(remote, closedError('flow was aborted', reason));
  }

  /** A reset from outside this end: the `resetAfter` fault. @internal */
  resetBy(message: string): void {
    const error = flowError('reset', message, undefined);
    this.#in.abort(error, error);
    this.#out.abort(error, error);
  }

  readonly #check = (): void => {
    if (this.#closing !== undefined && this.state === 'closed') this.#closing.settle();
  };
}
