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
/** Size of a buffer that collects small writes; one read returns at most one. */
const STAGE_SIZE = 16 * 1024;
/**
 * Microtask hops a waiting read gives a writer that keeps adding small data
 * before it stops checking every microtask and waits for a full stage or the
 * next macrotask instead.
 */
const HOP_LIMIT = 4;

const OK_WRITE: Promise<WriteResult> = Promise.resolve(ok());
const EOF_READ: ReadResult = Object.freeze({ ok: true, value: EOF });
const EOF_PROMISE: Promise<ReadResult> = Promise.resolve(EOF_READ);
// `then` on a settled promise queues a bare microtask; Node's `queueMicrotask`
// wraps each callback in an AsyncResource, several times dearer per call.
const TICK: Promise<void> = Promise.resolve();
// Taken at load, so a test's fake timers cannot hold a waiting read back.
const later: (callback: () => void) => void = (() => {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  return typeof immediate === 'function'
    ? (callback) => void immediate(callback)
    : (callback) => void setTimeout(callback, 0);
})();

type Resolve = (result: ReadResult) => void;

/** A read waiting with a signal; a read without one waits as its bare `resolve`. */
interface Reader {
  readonly resolve: Resolve;
  readonly signal: AbortSignal;
  onAbort: (() => void) | undefined;
}

type Waiter = Resolve | Reader;

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

function copyInto(target: Uint8Array, offset: number, source: Uint8Array): void {
  const n = source.length;
  // For a few bytes a plain loop beats the fixed cost of `set`.
  if (n <= 32) for (let i = 0; i < n; i++) target[offset + i] = source[i]!;
  else target.set(source, offset);
}

function settle(waiter: Waiter, result: ReadResult): void {
  if (typeof waiter === 'function') {
    waiter(result);
    return;
  }
  if (waiter.onAbort !== undefined) waiter.signal.removeEventListener('abort', waiter.onAbort);
  waiter.resolve(result);
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
  readonly #readers = new Queue<Waiter>();
  readonly #pending = new Queue<PendingWrite>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #flushing = false;
  #admitAt = 0;
  #hopScheduled = false;
  #hopMark = 0;
  #hops = 0;
  /** A macrotask will serve waiting readers: the writer was still adding data after {@link HOP_LIMIT} hops. */
  #idleScheduled = false;
  /** A waiting reader is served as soon as this many bytes are queued. */
  readonly #serveAt: number;
  /** The queue's tail while it collects small writes; its first `#stageLength` bytes are data. */
  #stage: Uint8Array | undefined;
  #stageLength = 0;
  #onSent: (() => void) | undefined;

  constructor(capacity: number, faults?: DirectionFaults, link?: Link) {
    this.#capacity = capacity;
    this.#serveAt = Math.min(capacity, STAGE_SIZE);
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
      return OK_WRITE;
    }
    // The caller may reuse its array once writev returns; the buffers it holds are ours.
    const own = chunks instanceof Uint8Array ? chunks : chunks.slice();
    return new Promise((resolve) => this.#pending.push({ chunks: own, bytes, resolve }));
  }

  /**
   * The writer closes: end-of-stream follows whatever is still pending.
   * `onSent` runs once end-of-stream has been queued behind the data (or put
   * in flight, with timed faults); never if the direction is torn down first.
   */
  close(onSent: () => void): void {
    if (this.state !== 'open') return;
    this.state = 'closing';
    this.#onSent = onSent;
    this.#flush();
  }

  /** Reads for the reader of this direction. The caller has checked the flow is usable. */
  read(signal: AbortSignal | undefined): Promise<ReadResult> {
    if (this.#readers.length === 0 && !this.#worthWaiting()) {
      const value = this.#take();
      if (value === EOF) return EOF_PROMISE;
      if (value !== undefined) {
        const result = Promise.resolve<ReadResult>({ ok: true, value });
        this.#delivered(value.length);
        if (this.#pending.length > 0 || this.state === 'closing') this.#flush();
        return result;
      }
    }
    if (this.#readable.length > 0) this.#scheduleHop();
    if (signal === undefined) return new Promise(this.#wait);
    return new Promise((resolve) => {
      const reader: Reader = { resolve, signal, onAbort: undefined };
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
      this.#readers.push(reader);
    });
  }

  readonly #wait = (resolve: Resolve): void => {
    this.#readers.push(resolve);
  };

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
      this.#stage = undefined;
      this.queuedBytes = 0;
      this.#onSent = undefined;
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
        if (bytes >= SMALL_CHUNK && this.#readers.length > 0 && this.#readable.length === 0) {
          // Zero-copy hand-off: the reader gets the writer's own buffer.
          this.delivered += bytes;
          settle(this.#readers.shift()!, { ok: true, value: chunks });
          return;
        }
        this.#append(chunks);
      } else {
        for (const c of chunks) if (c.length > 0) this.#append(c);
      }
      this.queuedBytes += bytes;
      if (this.#readers.length > 0) {
        if (this.queuedBytes >= this.#serveAt) this.#flush();
        else this.#scheduleHop();
      }
      return;
    }
    this.queuedBytes += bytes;
    this.#admitAt = now();
    if (chunks instanceof Uint8Array) faults.split(chunks, this.#emit);
    else for (const c of chunks) if (c.length > 0) faults.split(c, this.#emit);
    if (faults.timed) this.#schedule();
    else if (this.#readers.length > 0) this.#flush();
  }

  /**
   * Whether a read that finds only a little small data queued should wait a
   * microtask or two for more: only while the writer is active, nothing
   * waits for capacity, and no fault fixes the pieces.
   */
  #worthWaiting(): boolean {
    if (this.#faults !== undefined || this.state !== 'open' || this.#pending.length > 0) return false;
    return this.#readable.length > 0 && this.queuedBytes < SMALL_CHUNK;
  }

  /**
   * A waiting reader is served one microtask after small data arrives, and
   * again later while the writer keeps adding within the same run of
   * microtasks: a writer that awaits each 16-byte write then fills one
   * merged read instead of paying a promise round trip per write. After
   * {@link HOP_LIMIT} hops that all saw more data the writer is streaming,
   * and a hop per write would cost as much as the write itself: the reader
   * is then served once a full stage is queued (from `#admit`) or at the
   * next macrotask, which only runs once the writer pauses.
   */
  #scheduleHop(): void {
    if (this.#hopScheduled || this.#idleScheduled) return;
    this.#hopScheduled = true;
    // The first hop always passes, so the writer gets one turn to add more.
    this.#hopMark = -1;
    this.#hops = 0;
    TICK.then(this.#hop);
  }

  readonly #hop = (): void => {
    if (this.state !== 'reset' && this.accepted !== this.#hopMark && this.queuedBytes < this.#serveAt) {
      this.#hopMark = this.accepted;
      if (++this.#hops <= HOP_LIMIT) {
        TICK.then(this.#hop);
        return;
      }
      this.#hopScheduled = false;
      this.#idleScheduled = true;
      later(this.#idle);
      return;
    }
    this.#hopScheduled = false;
    if (this.state !== 'reset') this.#flush();
  };

  readonly #idle = (): void => {
    this.#idleScheduled = false;
    if (this.state !== 'reset') this.#flush();
  };

  /**
   * Queues `chunk` for the reader. A small chunk behind another small one is
   * copied, with it, into a stage buffer that later small chunks fill too, so
   * a stream of tiny writes reaches the reader as few large reads; a chunk
   * alone, or a large one, is queued as is (zero-copy).
   */
  #append(chunk: Uint8Array): void {
    const n = chunk.length;
    const readable = this.#readable;
    if (n < SMALL_CHUNK) {
      const stage = this.#stage;
      if (stage !== undefined) {
        const at = this.#stageLength;
        if (at + n <= stage.length) {
          copyInto(stage, at, chunk);
          this.#stageLength = at + n;
          return;
        }
        this.#seal();
      } else {
        const tail = readable.at(readable.length - 1);
        if (tail !== undefined && tail.length < SMALL_CHUNK) {
          const fresh = new Uint8Array(STAGE_SIZE);
          copyInto(fresh, 0, tail);
          copyInto(fresh, tail.length, chunk);
          readable.setTail(fresh);
          this.#stage = fresh;
          this.#stageLength = tail.length + n;
          return;
        }
      }
    } else if (this.#stage !== undefined) {
      this.#seal();
    }
    readable.push(chunk);
  }

  /** Stops filling the stage: the queue keeps just its data. */
  #seal(): void {
    this.#readable.setTail(this.#stage!.subarray(0, this.#stageLength));
    this.#stage = undefined;
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
    readable.shift();
    if (first === this.#stage) {
      const data = first.subarray(0, this.#stageLength);
      this.#stage = undefined;
      this.queuedBytes -= data.length;
      return data;
    }
    this.queuedBytes -= first.length;
    return first;
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
    const onSent = this.#onSent;
    this.#onSent = undefined;
    onSent?.();
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
