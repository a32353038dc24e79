import { EOF, type FlowError, ok, type ReadResult, type WriteResult } from '@flowkit/flow-types';
import { type DirectionFaults, now } from './fault.js';
import { Queue } from './queue.js';

/**
 * Where one direction stands, from its writer's point of view:
 *
 * - `open`: writes are accepted.
 * - `closing`: the writer called `close`; writes still waiting for capacity
 *   are being flushed, then end-of-stream follows them.
 * - `ending`: end-of-stream is travelling through an injected delay.
 * - `ended`: end-of-stream sits behind the data in the reader's queue.
 * - `reset`: torn down by `abort()` or a reset fault; queued data is gone.
 *
 * @internal
 */
export type ChannelState = 'open' | 'closing' | 'ending' | 'ended' | 'reset';

/** What a pair's two channels share: the `resetAfter` budget. @internal */
export interface Link {
  /** Bytes still to be read, over both directions, before the reset fires. */
  resetBudget: number;
  /** Resets both ends; called once the budget reaches zero. */
  reset(): void;
}

/** Chunks smaller than this may be merged into one read. */
const SMALL_CHUNK = 1024;
/** A merged read never exceeds this many bytes. */
const MERGE_LIMIT = 64 * 1024;

const OK_WRITE: Promise<WriteResult> = Promise.resolve(ok());
const EOF_READ: ReadResult = Object.freeze({ ok: true, value: EOF });
const EOF_PROMISE: Promise<ReadResult> = Promise.resolve(EOF_READ);

interface Reader {
  readonly resolve: (result: ReadResult) => void;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

interface PendingWrite {
  readonly chunks: Uint8Array | readonly Uint8Array[];
  readonly bytes: number;
  readonly resolve: (result: WriteResult) => void;
}

interface InFlight {
  /** `undefined` marks end-of-stream. */
  readonly chunk: Uint8Array | undefined;
  readonly at: number;
}

function settle(reader: Reader, result: ReadResult): void {
  if (reader.onAbort !== undefined) reader.signal?.removeEventListener('abort', reader.onAbort);
  reader.resolve(result);
}

/**
 * One direction of a memory connection: the writer's pending writes, the
 * bytes in flight (only with timed faults), the reader's queue and the
 * reader's pending reads. Without faults a write goes straight to a waiting
 * reader, the very same buffer.
 *
 * @internal
 */
export class Channel {
  state: ChannelState = 'open';
  /** Bytes accepted and not yet read (in flight plus readable). */
  queuedBytes = 0;
  /** Bytes accepted from the writer. */
  accepted = 0;
  /** Bytes handed to the reader. */
  delivered = 0;
  /** Called once, when end-of-stream reaches the reader's queue. */
  onEnded: () => void = () => {};

  readonly #capacity: number;
  readonly #faults: DirectionFaults | undefined;
  readonly #link: Link | undefined;
  #stallBudget: number;
  readonly #readable = new Queue<Uint8Array>();
  readonly #inflight = new Queue<InFlight>();
  readonly #readers = new Queue<Reader>();
  readonly #pending = new Queue<PendingWrite>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #flushing = false;
  #admitAt = 0;

  constructor(capacity: number, faults?: DirectionFaults, link?: Link) {
    this.#capacity = capacity;
    this.#faults = faults;
    this.#link = link;
    this.#stallBudget = faults === undefined ? Number.POSITIVE_INFINITY : faults.plan.stallAfter;
  }

  /**
   * Accepts `bytes` (> 0) bytes at once while below capacity and nothing is
   * waiting ahead, else queues the write in call order. The caller has
   * checked that the writer may still write.
   */
  write(chunks: Uint8Array | readonly Uint8Array[], bytes: number): Promise<WriteResult> {
    if (this.#pending.length === 0 && this.queuedBytes < this.#capacity) {
      this.#admit(chunks, bytes);
      if (this.#readers.length > 0) this.#flush();
      return OK_WRITE;
    }
    // The caller may reuse its array once writev returns; the buffers it holds are ours.
    const own = chunks instanceof Uint8Array ? chunks : chunks.slice();
    return new Promise((resolve) => this.#pending.push({ chunks: own, bytes, resolve }));
  }

  /** The writer closes: end-of-stream follows whatever is still pending. */
  close(): void {
    if (this.state !== 'open') return;
    this.state = 'closing';
    this.#flush();
  }

  /** Reads for the reader of this direction. The caller has checked the flow is usable. */
  read(signal: AbortSignal | undefined): Promise<ReadResult> {
    if (this.#readers.length === 0) {
      const value = this.#take();
      if (value === EOF) return EOF_PROMISE;
      if (value !== undefined) {
        const result = Promise.resolve<ReadResult>({ ok: true, value });
        this.#delivered(value.length);
        if (this.#pending.length > 0 || this.state === 'closing') this.#flush();
        return result;
      }
    }
    return new Promise((resolve) => {
      const reader: Reader = { resolve, signal, onAbort: undefined };
      if (signal !== undefined) {
        reader.onAbort = () => {
          // Only a read still waiting is cancelled; its data stays queued for the next one.
          if (this.#readers.remove(reader)) {
            resolve({
              ok: false,
              error: { type: 'aborted', message: 'read cancelled by its signal', cause: signal.reason },
            });
          }
        };
        signal.addEventListener('abort', reader.onAbort, { once: true });
      }
      this.#readers.push(reader);
    });
  }

  /**
   * Tears this direction down: queued and in-flight data is dropped, pending
   * writes resolve with `writeResult`, pending reads with `readError`.
   */
  teardown(readError: FlowError, writeResult: WriteResult): void {
    if (this.state !== 'reset') {
      this.state = 'reset';
      if (this.#timer !== undefined) clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#readable.drain();
      this.#inflight.drain();
      this.queuedBytes = 0;
      for (const w of this.#pending.drain()) w.resolve(writeResult);
    }
    const failed: ReadResult = { ok: false, error: readError };
    for (const r of this.#readers.drain()) settle(r, failed);
  }

  #admit(chunks: Uint8Array | readonly Uint8Array[], bytes: number): void {
    this.accepted += bytes;
    const faults = this.#faults;
    if (faults === undefined) {
      if (chunks instanceof Uint8Array) {
        if (this.#readers.length > 0 && this.#readable.length === 0) {
          // Zero-copy hand-off: the reader gets the writer's own buffer.
          this.delivered += bytes;
          settle(this.#readers.shift()!, { ok: true, value: chunks });
          return;
        }
        this.#readable.push(chunks);
      } else {
        for (const c of chunks) if (c.length > 0) this.#readable.push(c);
      }
      this.queuedBytes += bytes;
      return;
    }
    this.queuedBytes += bytes;
    this.#admitAt = now();
    if (chunks instanceof Uint8Array) faults.split(chunks, this.#emit);
    else for (const c of chunks) if (c.length > 0) faults.split(c, this.#emit);
    if (faults.timed) this.#schedule();
  }

  readonly #emit = (piece: Uint8Array): void => {
    const faults = this.#faults!;
    if (faults.timed)
      this.#inflight.push({ chunk: piece, at: faults.releaseTime(piece.length, this.#admitAt) });
    else this.#readable.push(piece);
  };

  /** The next read's value, or `undefined` when the reader must wait. */
  #take(): Uint8Array | typeof EOF | undefined {
    const readable = this.#readable;
    const first = readable.at(0);
    if (first === undefined) {
      return this.state === 'ended' && this.#stallBudget > 0 ? EOF : undefined;
    }
    if (this.#faults !== undefined) {
      const link = this.#link!;
      const limit = Math.min(this.#stallBudget, link.resetBudget);
      if (limit <= 0) return undefined;
      let chunk = first;
      if (first.length > limit) {
        chunk = first.subarray(0, limit);
        readable.setHead(first.subarray(limit));
      } else {
        readable.shift();
      }
      this.queuedBytes -= chunk.length;
      this.#stallBudget -= chunk.length;
      link.resetBudget -= chunk.length;
      return chunk;
    }
    if (first.length >= SMALL_CHUNK || readable.length === 1) {
      readable.shift();
      this.queuedBytes -= first.length;
      return first;
    }
    // Several small chunks queued: one read takes them all, copied into one buffer.
    let count = 0;
    let total = 0;
    for (let c = readable.at(0); c !== undefined; c = readable.at(++count)) {
      if (c.length >= SMALL_CHUNK || total + c.length > MERGE_LIMIT) break;
      total += c.length;
    }
    if (count === 1) {
      readable.shift();
      this.queuedBytes -= first.length;
      return first;
    }
    const merged = new Uint8Array(total);
    let offset = 0;
    for (let i = 0; i < count; i++) {
      const c = readable.shift()!;
      merged.set(c, offset);
      offset += c.length;
    }
    this.queuedBytes -= total;
    return merged;
  }

  #delivered(bytes: number): void {
    this.delivered += bytes;
    const link = this.#link;
    if (link !== undefined && link.resetBudget <= 0) link.reset();
  }

  /** Serves waiting readers, admits waiting writes, ends the stream when due. */
  #flush(): void {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      for (;;) {
        while (this.#readers.length > 0 && this.state !== 'reset') {
          const value = this.#take();
          if (value === undefined) break;
          const reader = this.#readers.shift()!;
          if (value === EOF) {
            settle(reader, EOF_READ);
          } else {
            settle(reader, { ok: true, value });
            this.#delivered(value.length);
          }
        }
        if (this.state === 'reset') return;
        let progressed = false;
        while (this.#pending.length > 0 && this.queuedBytes < this.#capacity) {
          const w = this.#pending.shift()!;
          this.#admit(w.chunks, w.bytes);
          w.resolve(ok());
          progressed = true;
        }
        if (this.state === 'closing' && this.#pending.length === 0) {
          this.#end();
          progressed = true;
        }
        if (!progressed || this.#readers.length === 0) return;
      }
    } finally {
      this.#flushing = false;
    }
  }

  #end(): void {
    const faults = this.#faults;
    if (faults?.timed) {
      this.state = 'ending';
      this.#inflight.push({ chunk: undefined, at: faults.releaseTime(0, now()) });
      this.#schedule();
    } else {
      this.state = 'ended';
      this.onEnded();
    }
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    const head = this.#inflight.at(0);
    if (head === undefined) return;
    this.#timer = setTimeout(this.#release, Math.max(0, head.at - now()));
  }

  readonly #release = (): void => {
    this.#timer = undefined;
    if (this.state === 'reset') return;
    // Timers may fire up to a millisecond early; release what is due by then.
    const due = now() + 1;
    let ended = false;
    for (let head = this.#inflight.at(0); head !== undefined && head.at <= due; head = this.#inflight.at(0)) {
      this.#inflight.shift();
      if (head.chunk === undefined) ended = true;
      else this.#readable.push(head.chunk);
    }
    if (ended) {
      this.state = 'ended';
      this.onEnded();
    }
    this.#schedule();
    this.#flush();
  };
}
