import {
  type CloseOptions,
  closedError,
  type Flow,
  type FlowError,
  ok,
  type ReadOptions,
  type ReadResult,
  type WriteResult,
} from '@flowkit/flow-types';
import { Channel, type Link } from './channel.js';
import { DirectionFaults } from './fault.js';
import { type ConnectionOptions, type ConnectionPlan, checkConnectionOptions } from './options.js';

/**
 * Where a {@link MemoryFlow} stands, seen from its own end:
 *
 * - `open`: both directions work.
 * - `write-closed`: this end called `closeWrite()` or `close()`; writes
 *   return `closed`, reads still deliver the remote's data; `close()` waits
 *   for the remote's close.
 * - `read-done`: the remote closed; reads return what is queued, then `EOF`
 *   forever; writes still work until this end closes.
 * - `closed`: both ends closed cleanly and every `close()` has resolved.
 *   Reads return what is still queued, then `EOF`, until a `resetAfter`
 *   fault fires.
 * - `aborted`: this end called `abort()`. Reads return `aborted`, writes `closed`.
 * - `reset`: the remote called `abort()`, or a `resetAfter` fault fired.
 *   Queued data was dropped; reads return `reset`, writes `closed`. The
 *   fault resets an end in any state but `aborted`, even `closed`.
 */
export type MemoryFlowState = 'open' | 'write-closed' | 'read-done' | 'closed' | 'aborted' | 'reset';

/** Options for {@link pair}. */
export interface PairOptions extends ConnectionOptions {}

type Fate = 'live' | 'closed' | 'aborted' | 'reset';

const RESOLVED: Promise<void> = Promise.resolve();

let connectEnds: (a: MemoryFlow, b: MemoryFlow) => void;
let checkClosed: (flow: MemoryFlow) => void;
let resetByFault: (flow: MemoryFlow, message: string) => void;

function resetError(message: string, cause: unknown): FlowError {
  return cause === undefined ? { type: 'reset', message } : { type: 'reset', message, cause };
}

/**
 * One end of an in-process connection, made by {@link pair} or by the named
 * `listen`/`connect`. Implements {@link Flow} exactly; see `MemoryFlowState`
 * for what each method does in each state.
 */
export class MemoryFlow implements Flow {
  /**
   * This end's name: for a connection made by `connect`, the dialer is
   * `"<name>#<n>"` and the accepted end is the listener's name. `undefined`
   * for {@link pair}.
   */
  readonly localName: string | undefined;
  /** The other end's name (see {@link MemoryFlow.localName}). `undefined` for {@link pair}. */
  readonly remoteName: string | undefined;

  readonly #in: Channel;
  readonly #out: Channel;
  #peer: MemoryFlow | undefined;
  #fate: Fate = 'live';
  #readError: ReadResult | undefined;
  #writeClosed: Promise<WriteResult> | undefined;
  /** The one result of {@link MemoryFlow.closeWrite}, made by its first call. */
  #writeEnd: Promise<WriteResult> | undefined;
  #settleWriteEnd: ((result: WriteResult) => void) | undefined;
  #closing: Promise<void> | undefined;
  #resolveClose: (() => void) | undefined;
  #closeSignals: [AbortSignal, () => void][] = [];

  /** @internal Use {@link pair} or `connect`. */
  constructor(inbound: Channel, outbound: Channel, localName?: string, remoteName?: string) {
    this.#in = inbound;
    this.#out = outbound;
    this.localName = localName;
    this.remoteName = remoteName;
  }

  /** Where this end stands; see {@link MemoryFlowState}. */
  get state(): MemoryFlowState {
    if (this.#fate !== 'live') return this.#fate;
    if (this.#out.state !== 'open') return 'write-closed';
    return this.#in.state === 'ended' ? 'read-done' : 'open';
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
   * run of small writes, the next macrotask) or 16 KiB are queued. With
   * faults: exactly the pieces the faults made, never merged.
   *
   * After the remote's close: queued data, then `EOF` forever. After
   * `abort()`: `{ type: 'aborted', cause: reason }`. After the remote's abort
   * or a reset fault: `{ type: 'reset' }`, queued data dropped. Cancelled by
   * `options.signal`: `{ type: 'aborted' }`, nothing lost, flow still usable.
   */
  read(options?: ReadOptions): Promise<ReadResult> {
    if (this.#readError !== undefined) return Promise.resolve(this.#readError);
    const signal = options?.signal;
    if (signal?.aborted) {
      return Promise.resolve({
        ok: false,
        error: { type: 'aborted', message: 'read cancelled by its signal', cause: signal.reason },
      });
    }
    return this.#in.read(signal);
  }

  /**
   * Hands `buffer` to the remote without copying; do not modify it
   * afterwards. Resolves at once while the direction holds fewer than
   * `capacity` bytes, otherwise when the remote has read enough. Empty:
   * succeeds, sends nothing. After `close()`, `abort()` or the remote's
   * abort: `{ type: 'closed' }`; writes still waiting then resolve the same.
   */
  write(buffer: Uint8Array): Promise<WriteResult> {
    if (this.#fate !== 'live' || this.#out.state !== 'open') return this.#closedWrite();
    if (buffer.length === 0) return Promise.resolve(ok());
    return this.#out.write(buffer, buffer.length);
  }

  /**
   * Writes `buffers` in order as one operation: accepted together, so no
   * other write lands between them. Same rules as {@link MemoryFlow.write};
   * an empty list, or only empty buffers, succeeds and sends nothing.
   */
  writev(buffers: readonly Uint8Array[]): Promise<WriteResult> {
    if (this.#fate !== 'live' || this.#out.state !== 'open') return this.#closedWrite();
    let bytes = 0;
    for (const b of buffers) bytes += b.length;
    if (bytes === 0) return Promise.resolve(ok());
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
    if (this.#writeEnd !== undefined) return this.#writeEnd;
    if (this.#fate === 'aborted' || this.#fate === 'reset') {
      const error = this.#readError!.ok ? undefined : this.#readError!.error;
      this.#writeEnd = Promise.resolve<WriteResult>(
        this.#fate === 'reset' && error !== undefined
          ? { ok: false, error }
          : { ok: false, error: closedError('closeWrite after abort') },
      );
      return this.#writeEnd;
    }
    this.#writeEnd = new Promise((resolve) => {
      this.#settleWriteEnd = resolve;
    });
    this.#out.close(() => this.#endWrite(ok()));
    return this.#writeEnd;
  }

  /**
   * {@link MemoryFlow.closeWrite}, then waits for the remote's end:
   * writes still waiting are flushed, then the remote reads
   * `EOF` after the data. Resolves when the remote has closed too and its
   * end-of-stream has reached this end's queue (unread data stays readable,
   * then `EOF`). Every call returns the same promise. With `options.signal`:
   * when it fires first, the flow is aborted (as by `abort(signal.reason)`)
   * and `close` resolves. After `abort()` or a reset: resolves at once.
   */
  close(options?: CloseOptions): Promise<void> {
    if (this.#fate !== 'live') return RESOLVED;
    if (this.#closing === undefined) {
      this.#closing = new Promise((resolve) => {
        this.#resolveClose = resolve;
      });
      void this.closeWrite();
      this.#checkClosed();
    }
    const signal = options?.signal;
    if (signal !== undefined && this.#fate === 'live') {
      if (signal.aborted) {
        this.abort(signal.reason);
      } else {
        const onAbort = () => this.abort(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        this.#closeSignals.push([signal, onAbort]);
      }
    }
    return this.#closing;
  }

  /**
   * Tears the connection down at once. Here: pending and later reads resolve
   * `{ type: 'aborted', cause: reason }`, writes `closed`, every pending
   * `close` resolves. At the remote (unless both ends had already closed):
   * queued data is dropped, reads resolve `{ type: 'reset' }`, writes
   * `closed`, pending `close` calls resolve. Any number of calls, any state.
   *
   * @param reason - kept as the `cause` of the errors this end reports.
   */
  abort(reason?: unknown): void {
    if (this.#fate === 'aborted') return;
    const wasLive = this.#fate === 'live';
    this.#fate = 'aborted';
    const error: FlowError =
      reason === undefined
        ? { type: 'aborted', message: 'flow was aborted' }
        : { type: 'aborted', message: 'flow was aborted', cause: reason };
    const closed: WriteResult = { ok: false, error: closedError('flow was aborted', reason) };
    this.#readError = { ok: false, error };
    this.#writeClosed = Promise.resolve(closed);
    this.#endWrite(closed);
    const remoteMessage = 'connection reset: the remote end aborted';
    this.#in.teardown(error, { ok: false, error: closedError(remoteMessage, reason) });
    if (wasLive) {
      // Our outbound queue is the remote's inbound one: its readers see the reset.
      this.#out.teardown(resetError(remoteMessage, reason), closed);
      const peer = this.#peer;
      if (peer !== undefined) peer.#reset(remoteMessage, reason);
    }
    this.#finishClose();
  }

  static {
    // Module-private access for makePair, kept off the public type.
    connectEnds = (a, b) => {
      a.#peer = b;
      b.#peer = a;
    };
    checkClosed = (flow) => flow.#checkClosed();
    resetByFault = (flow, message) => flow.#reset(message, undefined);
  }

  /** Called when an end-of-stream reaches either direction's queue. */
  #checkClosed(): void {
    if (this.#fate === 'live' && this.#in.state === 'ended' && this.#out.state === 'ended') {
      this.#fate = 'closed';
      this.#finishClose();
    }
  }

  /**
   * Resets this end: the remote aborted, or the `resetAfter` budget is spent.
   * A cleanly `closed` end is reset too: only the fault reaches one (a remote
   * that aborts after both ends closed leaves this end alone), and it may
   * still hold unread data that the spent budget forbids it to read, so
   * leaving it `closed` would leave that read waiting forever.
   */
  #reset(message: string, cause: unknown): void {
    if (this.#fate === 'aborted' || this.#fate === 'reset') return;
    this.#fate = 'reset';
    const error = resetError(message, cause);
    this.#readError = { ok: false, error };
    const closed: WriteResult = { ok: false, error: closedError(message, cause) };
    this.#writeClosed = Promise.resolve(closed);
    this.#endWrite({ ok: false, error });
    this.#in.teardown(error, closed);
    this.#out.teardown(error, closed);
    this.#finishClose();
  }

  /** Settles a pending {@link MemoryFlow.closeWrite}; the first result wins. */
  #endWrite(result: WriteResult): void {
    const settle = this.#settleWriteEnd;
    this.#settleWriteEnd = undefined;
    settle?.(result);
  }

  #closedWrite(): Promise<WriteResult> {
    this.#writeClosed ??= Promise.resolve({ ok: false, error: closedError('write after close') });
    return this.#writeClosed;
  }

  #finishClose(): void {
    for (const [signal, onAbort] of this.#closeSignals) signal.removeEventListener('abort', onAbort);
    this.#closeSignals = [];
    const resolve = this.#resolveClose;
    this.#resolveClose = undefined;
    resolve?.();
  }
}

/**
 * Builds two connected ends from checked options. @internal
 */
export function makePair(
  plan: ConnectionPlan,
  names?: { readonly dialer: string; readonly acceptor: string },
): [MemoryFlow, MemoryFlow] {
  const faults = plan.faults;
  let link: Link | undefined;
  let ends: [MemoryFlow, MemoryFlow] | undefined;
  if (faults !== undefined) {
    let fired = false;
    link = {
      resetBudget: faults.resetAfter,
      reset() {
        if (fired || ends === undefined) return;
        fired = true;
        const message = `connection reset by the resetAfter fault after ${faults.resetAfter} bytes`;
        resetByFault(ends[0], message);
        resetByFault(ends[1], message);
      },
    };
  }
  const aToB = new Channel(plan.capacity, faults && new DirectionFaults(faults, 0), link);
  const bToA = new Channel(plan.capacity, faults && new DirectionFaults(faults, 1), link);
  const a = new MemoryFlow(bToA, aToB, names?.dialer, names?.acceptor);
  const b = new MemoryFlow(aToB, bToA, names?.acceptor, names?.dialer);
  connectEnds(a, b);
  ends = [a, b];
  const onEnded = () => {
    checkClosed(a);
    checkClosed(b);
  };
  aToB.onEnded = onEnded;
  bToA.onEnded = onEnded;
  if (link !== undefined && link.resetBudget <= 0) link.reset();
  return ends;
}

/**
 * Makes two connected in-process flows: what one writes, the other reads,
 * the very same buffers (zero-copy) — except that small writes (< 1 KiB)
 * queued back to back are merged into one read of up to 16 KiB. Each direction holds at most
 * `capacity` bytes before writes wait. `faults` injects seeded re-chunking,
 * latency, bandwidth limits, resets or stalls.
 *
 * Synchronous, so bad options are a programming error: throws a `TypeError`
 * naming the option and why (`capacity must be a positive integer …`).
 *
 * @example
 * ```ts
 * const [client, server] = pair({ capacity: 16 * 1024 });
 * ```
 */
export function pair(options: PairOptions = {}): [MemoryFlow, MemoryFlow] {
  const plan = checkConnectionOptions(options);
  if ('type' in plan) throw new TypeError(plan.message);
  return makePair(plan);
}
