import {
  closedError,
  type FlowError,
  ok,
  type ReadOptions,
  type ReadResult,
  type WriteError,
  type WriteResult,
} from '@flowkit/flow-types';
import { type ReadHalf, ReadQueue, Settled, type WriteHalf } from '@flowkit/kernel';
import { Queue } from './queue.js';
import type { Outlet, Stage } from './stage.js';

interface PendingWrite {
  readonly chunks: Uint8Array | readonly Uint8Array[];
  readonly bytes: number;
  readonly resolve: (result: WriteResult) => void;
}

/** Options of a {@link Pipe}. @internal */
export interface PipeOptions {
  /** Bytes held (anywhere between writer and reader) before writes wait. */
  readonly capacity: number;
  /** Builds the stages between the writer and `outlet`; returns the first one (or `outlet`). */
  readonly stages: (outlet: Outlet) => Stage;
}

const OK_WRITE: Promise<WriteResult> = Promise.resolve(ok());

/**
 * One direction of a memory connection: a bounded pipe. The writer's
 * chunks go through the stages into the reader's {@link ReadQueue}; a write
 * is accepted at once while fewer than `capacity` bytes are held between
 * the two, otherwise it waits, in call order, until the reader has taken
 * enough. Without stages a chunk reaches the reader as the very buffer.
 *
 * @internal
 */
export class Pipe {
  /** Runs when the reader's half changes (end-of-stream arrived, failed). */
  onReaderChange: () => void = () => {};
  /** Runs when the writer's half changes (end-of-stream handed on, failed). */
  onWriterChange: () => void = () => {};
  /** Bytes accepted from the writer. */
  accepted = 0;
  /** Bytes handed to the reader. */
  delivered = 0;
  /** Bytes accepted and not yet read: in the stages or the reader's queue; `0` once aborted. */
  queuedBytes = 0;

  readonly #capacity: number;
  readonly #reader: ReadQueue;
  readonly #head: Stage;
  readonly #waiting = new Queue<PendingWrite>();
  #writeHalf: WriteHalf = 'open';
  /** Why the write half failed; `closeWrite` reports it as is. */
  #writeError: WriteError | undefined;
  #refused: Promise<WriteResult> | undefined;
  #ended: Settled<WriteResult> | undefined;
  /** Bytes sitting in the reader's queue, to tell how much a read took. */
  #inQueue = 0;
  #admitting = false;
  /** End-of-stream reached the reader's side (it may still be held behind data by a stage). */
  #endArrived = false;

  constructor(options: PipeOptions) {
    this.#capacity = options.capacity;
    const reader = new ReadQueue({ onTake: this.#taken });
    this.#reader = reader;
    this.#head = options.stages({
      push: this.#deliver,
      end: () => {
        this.#reader.end();
        this.#arrived();
      },
      arrived: () => this.#arrived(),
      pull: () => {},
      stop: () => {},
      get waiting() {
        return reader.waiting;
      },
    });
  }

  /** `eof` once end-of-stream reached the reader's side, even while a stall fault hides it. */
  get readHalf(): ReadHalf {
    const state = this.#reader.state;
    return state === 'open' && this.#endArrived ? 'eof' : state;
  }

  get writeHalf(): WriteHalf {
    return this.#writeHalf;
  }

  /** Accepts `bytes` bytes in `chunks`, at once while below capacity and nothing waits ahead. */
  write(chunks: Uint8Array | readonly Uint8Array[], bytes: number): Promise<WriteResult> {
    if (this.#writeHalf !== 'open') return this.#refusedWrite();
    if (bytes === 0) return OK_WRITE;
    if (this.#waiting.length === 0 && this.queuedBytes < this.#capacity) {
      this.#admit(chunks, bytes);
      return OK_WRITE;
    }
    // The caller may reuse its array once writev returns; the buffers it holds are ours.
    const own = chunks instanceof Uint8Array ? chunks : chunks.slice();
    return new Promise((resolve) => this.#waiting.push({ chunks: own, bytes, resolve }));
  }

  /** Flushes the waiting writes, then ends the stream; one result for every call. */
  closeWrite(): Promise<WriteResult> {
    if (this.#ended === undefined) {
      this.#ended = new Settled();
      if (this.#writeHalf === 'failed') this.#ended.settle({ ok: false, error: this.#writeError! });
      else if (this.#writeHalf === 'open') {
        this.#writeHalf = 'closing';
        this.#drain();
      }
    }
    return this.#ended.promise;
  }

  read(options?: ReadOptions): Promise<ReadResult> {
    const result = this.#reader.read(options);
    if (this.#reader.waiting > 0) this.#head.pull();
    return result;
  }

  /**
   * Tears the pipe down: held data is dropped, reads get `readError`
   * (an earlier failure's error stays), waiting and later writes `closed`,
   * a `closeWrite` still flushing `writeError`. A write half that had
   * already ended stays ended.
   */
  abort(readError: FlowError, writeError: WriteError): void {
    const readerWasFailed = this.#reader.state === 'failed';
    this.#head.stop();
    this.#reader.abort(readError);
    this.#inQueue = 0;
    this.queuedBytes = 0;
    if (this.#writeHalf === 'open' || this.#writeHalf === 'closing') {
      this.#writeHalf = 'failed';
      this.#writeError = writeError;
      // A refusal made before (after closeWrite) gives way to the failure's reason.
      this.#refused = undefined;
      const refused = this.#refusal();
      for (const w of this.#waiting.drain()) w.resolve(refused);
      this.#ended?.settle({ ok: false, error: writeError });
      this.onWriterChange();
    }
    if (!readerWasFailed) this.onReaderChange();
  }

  /** What a write gets once the write half is not open: always `closed`. */
  #refusal(): WriteResult {
    const why = this.#writeError;
    if (why === undefined) return { ok: false, error: closedError('write after closeWrite') };
    return { ok: false, error: why.type === 'closed' ? why : closedError(why.message, why.cause) };
  }

  #arrived(): void {
    if (this.#endArrived) return;
    this.#endArrived = true;
    this.onReaderChange();
  }

  #refusedWrite(): Promise<WriteResult> {
    this.#refused ??= Promise.resolve(this.#refusal());
    return this.#refused;
  }

  #admit(chunks: Uint8Array | readonly Uint8Array[], bytes: number): void {
    this.accepted += bytes;
    this.queuedBytes += bytes;
    if (chunks instanceof Uint8Array) this.#head.push(chunks);
    else for (const c of chunks) if (c.length > 0) this.#head.push(c);
  }

  /** Admits waiting writes while there is room, then ends the stream if asked to. */
  #drain(): void {
    if (this.#admitting) return;
    this.#admitting = true;
    while (this.#waiting.length > 0 && this.queuedBytes < this.#capacity) {
      const w = this.#waiting.shift()!;
      this.#admit(w.chunks, w.bytes);
      w.resolve(ok());
    }
    this.#admitting = false;
    if (this.#writeHalf === 'closing' && this.#waiting.length === 0) {
      this.#writeHalf = 'closed';
      this.#ended!.settle(ok());
      this.#head.end();
      this.onWriterChange();
    }
  }

  /** The last stage hands a chunk to the reader: to a waiting read, or queued. */
  readonly #deliver = (chunk: Uint8Array, delivered?: () => void): void => {
    if (this.#reader.waiting > 0) {
      this.#reader.push(chunk);
      this.#consumed(chunk.length, delivered);
    } else {
      this.#inQueue += chunk.length;
      this.#reader.push(chunk);
      delivered?.();
    }
  };

  readonly #taken = (queuedBytes: number): void => {
    const taken = this.#inQueue - queuedBytes;
    this.#inQueue = queuedBytes;
    this.#consumed(taken);
  };

  #consumed(bytes: number, delivered?: () => void): void {
    this.delivered += bytes;
    this.queuedBytes -= bytes;
    delivered?.();
    if (this.#waiting.length > 0 || this.#writeHalf === 'closing') this.#drain();
  }
}
