import { EOF, err, type FlowError, ok, type ReadOptions, type ReadResult } from '@flowkit/flow-types';
import { signalOption } from './signal.js';
import type { ReadHalf } from './state.js';

/** Hooks of a {@link ReadQueue}. */
export interface ReadQueueHooks {
  /**
   * Called after a read took a queued chunk, with the bytes still queued:
   * where a transport resumes a paused socket or wakes a blocked writer.
   * Not called for chunks handed straight to a waiting read (they were
   * never queued).
   */
  readonly onTake?: (queuedBytes: number) => void;
}

type Resolve = (result: ReadResult) => void;

/**
 * A waiting read: its bare `resolve` when it has no signal (the common
 * case, and no object to allocate), else this, to unhook its listener.
 */
type Waiter = Resolve | SignalledWaiter;

interface SignalledWaiter {
  readonly resolve: Resolve;
  readonly signal: AbortSignal;
  readonly onAbort: () => void;
}

function settle(waiter: Waiter, result: ReadResult): void {
  if (typeof waiter === 'function') {
    waiter(result);
    return;
  }
  waiter.signal.removeEventListener('abort', waiter.onAbort);
  waiter.resolve(result);
}

// `new Promise` runs its executor at once: one module-level executor that
// parks `resolve` here spares each waiting read a closure of its own.
let parked: Resolve | undefined;
function park(resolve: Resolve): void {
  parked = resolve;
}

const EOF_RESULT: ReadResult = Object.freeze({ ok: true, value: EOF }) as ReadResult;
const EOF_PROMISE: Promise<ReadResult> = Promise.resolve(EOF_RESULT);

/** The error a read cancelled by its own signal resolves with. */
export function readCancelled(reason: unknown): FlowError {
  const message = 'read cancelled by its signal';
  return reason === undefined ? { type: 'aborted', message } : { type: 'aborted', message, cause: reason };
}

/**
 * The one pending-read queue of flowkit: chunks that arrived and reads that
 * wait for them, with per-read cancellation. A transport pushes what it
 * receives and says how the stream ended; `read` implements the `Flow.read`
 * rules:
 *
 * - queued data first, in order, each chunk handed on as it came (no copy);
 * - then `EOF` forever after {@link ReadQueue.end}, or the error forever
 *   after {@link ReadQueue.fail};
 * - after {@link ReadQueue.abort}: queued data is dropped and every read
 *   gets the error at once;
 * - a read whose `signal` fires resolves `{ type: 'aborted' }`; the next
 *   chunk goes to the next read, so nothing is lost.
 *
 * Invariant: reads wait only while nothing is queued, so a pushed chunk goes
 * to the oldest waiting read if there is one. Idle queues hold no arrays,
 * and neither does a queue with one read waiting (the usual case: a reader
 * that awaits each read).
 */
export class ReadQueue {
  #chunks: Uint8Array[] | undefined;
  #head = 0;
  #queuedBytes = 0;
  // The oldest waiting read, then the others in call order.
  #firstWaiter: Waiter | undefined;
  #waiters: Waiter[] | undefined;
  #state: ReadHalf = 'open';
  #error: FlowError | undefined;
  readonly #onTake: ((queuedBytes: number) => void) | undefined;

  constructor(hooks?: ReadQueueHooks) {
    this.#onTake = hooks?.onTake;
  }

  /** The read half: `open`, `eof` (end-of-stream received) or `failed`. */
  get state(): ReadHalf {
    return this.#state;
  }

  /** Bytes received and not yet read. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /** Reads waiting for data. */
  get waiting(): number {
    if (this.#firstWaiter === undefined) return 0;
    return this.#waiters === undefined ? 1 : 1 + this.#waiters.length;
  }

  /** The error reads end with, once {@link ReadQueue.state} is `failed`. */
  get error(): FlowError | undefined {
    return this.#error;
  }

  /**
   * Hands `chunk` to the oldest waiting read, or queues it. Returns false,
   * keeping nothing, once the stream has ended or failed (data after the
   * end is a transport bug or arrives after an abort: it is dropped).
   * Empty chunks are ignored (reads never return zero bytes).
   */
  push(chunk: Uint8Array): boolean {
    if (this.#state !== 'open') return false;
    if (chunk.byteLength === 0) return true;
    const waiter = this.#firstWaiter;
    if (waiter !== undefined) {
      this.#dequeueFirst();
      settle(waiter, ok(chunk));
      return true;
    }
    if (this.#chunks === undefined) this.#chunks = [chunk];
    else this.#chunks.push(chunk);
    this.#queuedBytes += chunk.byteLength;
    return true;
  }

  /** The remote's end-of-stream: reads get queued data, then `EOF` forever. */
  end(): void {
    if (this.#state !== 'open') return;
    this.#state = 'eof';
    this.#settleWaiters(EOF_RESULT);
  }

  /** The stream failed: reads get queued data, then `error` forever. No-op once ended. */
  fail(error: FlowError): void {
    if (this.#state !== 'open') return;
    this.#state = 'failed';
    this.#error = error;
    this.#settleWaiters(err(error));
  }

  /**
   * Abort wins in every state: queued data is dropped, and this and every
   * later read resolve with an error at once — the earlier failure's error
   * if the stream had already failed, else `error` (even after `EOF`).
   */
  abort(error: FlowError): void {
    this.#chunks = undefined;
    this.#head = 0;
    this.#queuedBytes = 0;
    if (this.#state !== 'failed') this.#error = error;
    this.#state = 'failed';
    this.#settleWaiters(err(this.#error!));
  }

  /**
   * `Flow.read`: see the class description. Never rejects; `options.signal`
   * is read by {@link signalOption} (own property only; a `TypeError` at the
   * call when it is not an `AbortSignal`).
   */
  read(options?: ReadOptions): Promise<ReadResult> {
    const signal = options === undefined ? undefined : signalOption(options, 'read');
    if (signal?.aborted) return Promise.resolve(err(readCancelled(signal.reason)));
    if (this.#queuedBytes > 0) return Promise.resolve(this.#take());
    if (this.#state === 'eof') return EOF_PROMISE;
    if (this.#state === 'failed') return Promise.resolve(err(this.#error!));
    const promise = new Promise<ReadResult>(park);
    const resolve = parked!;
    parked = undefined;
    if (signal === undefined) this.#enqueue(resolve);
    else this.#waitWithSignal(resolve, signal);
    return promise;
  }

  #waitWithSignal(resolve: Resolve, signal: AbortSignal): void {
    const onAbort = (): void => {
      this.#remove(waiter);
      resolve(err(readCancelled(signal.reason)));
    };
    const waiter: SignalledWaiter = { resolve, signal, onAbort };
    signal.addEventListener('abort', onAbort, { once: true });
    this.#enqueue(waiter);
  }

  #enqueue(waiter: Waiter): void {
    if (this.#firstWaiter === undefined) this.#firstWaiter = waiter;
    else if (this.#waiters === undefined) this.#waiters = [waiter];
    else this.#waiters.push(waiter);
  }

  /** Drops the oldest waiting read; the next one moves up. */
  #dequeueFirst(): void {
    const rest = this.#waiters;
    if (rest === undefined) {
      this.#firstWaiter = undefined;
      return;
    }
    this.#firstWaiter = rest.shift();
    if (rest.length === 0) this.#waiters = undefined;
  }

  /**
   * Drops a waiting read whose signal fired; a no-op if it was settled
   * meanwhile (an abort event already being dispatched still reaches a
   * listener removed during the dispatch).
   */
  #remove(waiter: Waiter): void {
    if (this.#firstWaiter === waiter) {
      this.#dequeueFirst();
      return;
    }
    const rest = this.#waiters;
    const i = rest === undefined ? -1 : rest.indexOf(waiter);
    if (i === -1) return;
    rest!.splice(i, 1);
    if (rest!.length === 0) this.#waiters = undefined;
  }

  #take(): ReadResult {
    const chunks = this.#chunks!;
    const chunk = chunks[this.#head]!;
    chunks[this.#head] = undefined as never;
    this.#head++;
    if (this.#head === chunks.length) {
      this.#chunks = undefined;
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= chunks.length) {
      // Drop the consumed prefix now and then: shift() per read is O(n) on long queues.
      this.#chunks = chunks.slice(this.#head);
      this.#head = 0;
    }
    this.#queuedBytes -= chunk.byteLength;
    this.#onTake?.(this.#queuedBytes);
    return ok(chunk);
  }

  #settleWaiters(result: ReadResult): void {
    const first = this.#firstWaiter;
    if (first === undefined) return;
    const rest = this.#waiters;
    this.#firstWaiter = undefined;
    this.#waiters = undefined;
    settle(first, result);
    if (rest !== undefined) for (const waiter of rest) settle(waiter, result);
  }
}
