import type { CloseOptions, Flow, ReadOptions, ReadResult, WriteResult } from '@flowkit/flow-types';
import { closedError, EOF, err, ok } from '@flowkit/flow-types';
import { concat } from '../../src/index.js';
import { referencePair } from './reference-pair.js';

/**
 * Deliberately broken flows, each breaking one promise of the contract, used
 * to prove the suite notices. Each wraps the reference pair and overrides
 * the one behaviour it breaks.
 */

/** Delegates everything to `inner`; subclasses break one thing. */
class Wrapped implements Flow {
  constructor(readonly inner: Flow) {}
  read(options?: ReadOptions): Promise<ReadResult> {
    return options === undefined ? this.inner.read() : this.inner.read(options);
  }
  write(buffer: Uint8Array): Promise<WriteResult> {
    return this.inner.write(buffer);
  }
  writev(buffers: readonly Uint8Array[]): Promise<WriteResult> {
    return this.inner.writev(buffers);
  }
  closeWrite(): Promise<WriteResult> {
    return this.inner.closeWrite();
  }
  close(options?: CloseOptions): Promise<void> {
    return options === undefined ? this.inner.close() : this.inner.close(options);
  }
  abort(reason?: unknown): void {
    this.inner.abort(reason);
  }
}

/** 1: holds back the most recent write and drops it on close. */
class DropsLastChunk extends Wrapped {
  private held: Uint8Array | undefined;
  override async write(buffer: Uint8Array): Promise<WriteResult> {
    if (buffer.length === 0) return ok();
    const previous = this.held;
    this.held = buffer;
    return previous === undefined ? ok() : this.inner.write(previous);
  }
  override writev(buffers: readonly Uint8Array[]): Promise<WriteResult> {
    return this.write(concat(buffers));
  }
  override close(options?: CloseOptions): Promise<void> {
    this.held = undefined;
    return super.close(options);
  }
}

/** 2: reports EOF as soon as the remote called close, with its data still in flight. */
class EofEarly extends Wrapped {
  peerClosing = false;
  peer: EofEarly | undefined;
  override read(options?: ReadOptions): Promise<ReadResult> {
    return this.peerClosing ? Promise.resolve(ok(EOF)) : super.read(options);
  }
  override close(options?: CloseOptions): Promise<void> {
    if (this.peer !== undefined) this.peer.peerClosing = true;
    return super.close(options);
  }
}

/** 3: sends writev buffers in reverse order. */
class ReordersWritev extends Wrapped {
  override writev(buffers: readonly Uint8Array[]): Promise<WriteResult> {
    return super.writev([...buffers].reverse());
  }
}

/** 4: close resolves at once instead of waiting for the remote. */
class CloseDoesNotWait extends Wrapped {
  override close(options?: CloseOptions): Promise<void> {
    void super.close(options);
    return Promise.resolve();
  }
}

/** 5: after close, writes report success (and send nothing). */
class WriteAfterCloseOk extends Wrapped {
  private closing = false;
  override write(buffer: Uint8Array): Promise<WriteResult> {
    return this.closing ? Promise.resolve(ok()) : super.write(buffer);
  }
  override writev(buffers: readonly Uint8Array[]): Promise<WriteResult> {
    return this.closing ? Promise.resolve(ok()) : super.writev(buffers);
  }
  override close(options?: CloseOptions): Promise<void> {
    this.closing = true;
    return super.close(options);
  }
}

/** 6: a cancelled read leaves an inner read behind whose data is thrown away. */
class CancelLosesData extends Wrapped {
  override read(options?: ReadOptions): Promise<ReadResult> {
    const signal = options?.signal;
    if (signal === undefined) return super.read();
    return new Promise((resolve) => {
      let cancelled = false;
      const onAbort = () => {
        cancelled = true;
        resolve(err({ type: 'aborted', message: 'cancelled' }));
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      void this.inner.read().then((r) => {
        signal.removeEventListener('abort', onAbort);
        if (!cancelled) resolve(r);
      });
    });
  }
}

/** 7: every write resolves at once, whatever the peer reads: an unbounded queue. */
class NoBackpressure extends Wrapped {
  override write(buffer: Uint8Array): Promise<WriteResult> {
    void this.inner.write(buffer);
    return Promise.resolve(ok());
  }
}

/** 8: a write after close throws instead of returning `closed`. */
class ThrowsOnWriteAfterClose extends Wrapped {
  private closing = false;
  override write(buffer: Uint8Array): Promise<WriteResult> {
    if (this.closing) throw new Error('socket is closed');
    return super.write(buffer);
  }
  override close(options?: CloseOptions): Promise<void> {
    this.closing = true;
    return super.close(options);
  }
}

/** 9: every fifth read returns an empty buffer. */
class EmptyReads extends Wrapped {
  private n = 0;
  override read(options?: ReadOptions): Promise<ReadResult> {
    return ++this.n % 5 === 0 ? Promise.resolve(ok(new Uint8Array(0))) : super.read(options);
  }
}

/** 10: a read that overlapped another hands its chunk to the next read too. */
class DuplicatesUnderConcurrency extends Wrapped {
  private pending = 0;
  private replay: Uint8Array | undefined;
  override async read(options?: ReadOptions): Promise<ReadResult> {
    if (this.replay !== undefined) {
      const again = this.replay;
      this.replay = undefined;
      return ok(again);
    }
    const overlapped = this.pending > 0;
    this.pending++;
    const r = await super.read(options);
    this.pending--;
    if (overlapped && r.ok && r.value !== EOF) this.replay = r.value;
    return r;
  }
}

/** 11: a second close() never resolves. */
class CloseNotIdempotent extends Wrapped {
  private calls = 0;
  override close(options?: CloseOptions): Promise<void> {
    return ++this.calls === 1 ? super.close(options) : new Promise<void>(() => {});
  }
}

/** 12: abort() leaves reads that were pending unresolved. */
class AbortHangsReads extends Wrapped {
  private epoch = 0;
  override read(options?: ReadOptions): Promise<ReadResult> {
    const started = this.epoch;
    return super.read(options).then((r) => (this.epoch === started ? r : new Promise<ReadResult>(() => {})));
  }
  override abort(reason?: unknown): void {
    this.epoch++;
    super.abort(reason);
  }
}

/** 13: returns views of one scratch buffer that the next read overwrites. */
class ReusesReadBuffer extends Wrapped {
  private scratch = new Uint8Array(64 * 1024);
  override async read(options?: ReadOptions): Promise<ReadResult> {
    const r = await super.read(options);
    if (!r.ok || r.value === EOF) return r;
    if (r.value.length > this.scratch.length) this.scratch = new Uint8Array(r.value.length);
    this.scratch.set(r.value);
    return ok(this.scratch.subarray(0, r.value.length));
  }
}

/** 14: every other write reaches the transport a few ticks late, behind later calls. */
class ReordersConcurrentWrites extends Wrapped {
  private n = 0;
  override async write(buffer: Uint8Array): Promise<WriteResult> {
    if (++this.n % 2 === 0) for (let i = 0; i < 3; i++) await Promise.resolve();
    return super.write(buffer);
  }
}

/** 15: abort() closes cleanly, so the remote reads EOF instead of an error. */
class AbortLooksLikeEof extends Wrapped {
  private aborted = false;
  override read(options?: ReadOptions): Promise<ReadResult> {
    return this.aborted ? Promise.resolve(err({ type: 'aborted', message: 'aborted' })) : super.read(options);
  }
  override write(buffer: Uint8Array): Promise<WriteResult> {
    return this.aborted ? Promise.resolve(err(closedError())) : super.write(buffer);
  }
  override abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    void this.inner.close();
  }
}

/** 16: close() ends reading too: no half-close. */
class NoHalfClose extends Wrapped {
  private closing = false;
  override read(options?: ReadOptions): Promise<ReadResult> {
    return this.closing ? Promise.resolve(ok(EOF)) : super.read(options);
  }
  override close(options?: CloseOptions): Promise<void> {
    this.closing = true;
    return super.close(options);
  }
}

/** 17: EOF is reported once; later reads fail. */
class EofNotSticky extends Wrapped {
  private sawEof = false;
  override async read(options?: ReadOptions): Promise<ReadResult> {
    if (this.sawEof) return err({ type: 'io', message: 'read after end' });
    const r = await super.read(options);
    if (r.ok && r.value === EOF) this.sawEof = true;
    return r;
  }
}

/** 18: close() ignores its signal and waits for the remote regardless. */
class CloseIgnoresSignal extends Wrapped {
  override close(): Promise<void> {
    return super.close();
  }
}

/** 19: reads after abort() reject instead of resolving an error. */
class RejectsAfterAbort extends Wrapped {
  private aborted = false;
  override read(options?: ReadOptions): Promise<ReadResult> {
    return this.aborted ? Promise.reject(new Error('read on destroyed socket')) : super.read(options);
  }
  override abort(reason?: unknown): void {
    this.aborted = true;
    super.abort(reason);
  }
}

/** 20: abort() after a clean close is ignored, so reads keep returning unread data. */
class AbortIgnoredAfterClose extends Wrapped {
  private closed = false;
  override async close(options?: CloseOptions): Promise<void> {
    await super.close(options);
    this.closed = true;
  }
  override abort(reason?: unknown): void {
    if (!this.closed) super.abort(reason);
  }
}

/** 21: closeWrite() says ok and sends nothing: a half-close that did not happen. */
class FakeHalfClose extends Wrapped {
  private writeClosed = false;
  override write(buffer: Uint8Array): Promise<WriteResult> {
    return this.writeClosed ? Promise.resolve(err(closedError())) : super.write(buffer);
  }
  override writev(buffers: readonly Uint8Array[]): Promise<WriteResult> {
    return this.writeClosed ? Promise.resolve(err(closedError())) : super.writev(buffers);
  }
  override closeWrite(): Promise<WriteResult> {
    this.writeClosed = true;
    return Promise.resolve(ok());
  }
}

/** 22: a second closeWrite() reports `closed` instead of the first call's result. */
class CloseWriteNotIdempotent extends Wrapped {
  private calls = 0;
  override closeWrite(): Promise<WriteResult> {
    return ++this.calls === 1 ? super.closeWrite() : Promise.resolve(err(closedError('already closed')));
  }
}

/** 23: after closeWrite(), writes report success and send nothing. */
class WritesAfterCloseWriteOk extends Wrapped {
  private writeClosed = false;
  override write(buffer: Uint8Array): Promise<WriteResult> {
    return this.writeClosed ? Promise.resolve(ok()) : super.write(buffer);
  }
  override writev(buffers: readonly Uint8Array[]): Promise<WriteResult> {
    return this.writeClosed ? Promise.resolve(ok()) : super.writev(buffers);
  }
  override closeWrite(): Promise<WriteResult> {
    this.writeClosed = true;
    return super.closeWrite();
  }
}

/** 24: closeWrite() ends reading too: later reads return EOF. */
class CloseWriteEndsReading extends Wrapped {
  private writeClosed = false;
  override read(options?: ReadOptions): Promise<ReadResult> {
    return this.writeClosed ? Promise.resolve(ok(EOF)) : super.read(options);
  }
  override closeWrite(): Promise<WriteResult> {
    this.writeClosed = true;
    return super.closeWrite();
  }
}

/** 25: once write-closed, stops receiving after 1 MiB and reports EOF (a half-open linger limit). */
class HalfOpenReceiveLimit extends Wrapped {
  private budget = Number.POSITIVE_INFINITY;
  override async read(options?: ReadOptions): Promise<ReadResult> {
    if (this.budget <= 0) return ok(EOF);
    const r = await super.read(options);
    if (r.ok && r.value !== EOF) this.budget -= r.value.length;
    return r;
  }
  override closeWrite(): Promise<WriteResult> {
    this.budget = 1024 * 1024;
    return super.closeWrite();
  }
}

/** 26: closeWrite() overtakes writes still on their way to the transport, which then fail. */
class CloseWriteOvertakesWrites extends Wrapped {
  override async write(buffer: Uint8Array): Promise<WriteResult> {
    for (let i = 0; i < 3; i++) await Promise.resolve();
    return super.write(buffer);
  }
}

/** 27: abort() after closeWrite() is ignored, so unread data stays readable. */
class AbortIgnoredAfterCloseWrite extends Wrapped {
  private writeClosed = false;
  override closeWrite(): Promise<WriteResult> {
    this.writeClosed = true;
    return super.closeWrite();
  }
  override abort(reason?: unknown): void {
    if (!this.writeClosed) super.abort(reason);
  }
}

/** 28: closeWrite() after the remote's EOF reports `closed` (the flow thought it was over). */
class CloseWriteFailsAfterRemoteEof extends Wrapped {
  private sawEof = false;
  override async read(options?: ReadOptions): Promise<ReadResult> {
    const r = await super.read(options);
    if (r.ok && r.value === EOF) this.sawEof = true;
    return r;
  }
  override closeWrite(): Promise<WriteResult> {
    if (this.sawEof) {
      void super.closeWrite();
      return Promise.resolve(err(closedError('remote already closed')));
    }
    return super.closeWrite();
  }
}

/** 29: close() after closeWrite() resolves at once instead of waiting for the remote. */
class CloseAfterCloseWriteDoesNotWait extends Wrapped {
  private writeClosed = false;
  override closeWrite(): Promise<WriteResult> {
    this.writeClosed = true;
    return super.closeWrite();
  }
  override close(options?: CloseOptions): Promise<void> {
    const closing = super.close(options);
    return this.writeClosed ? Promise.resolve() : closing;
  }
}

/** 30: closeWrite() while the remote has half-closed too becomes a full close: unread data is dropped. */
class MutualHalfCloseDropsData extends Wrapped {
  peer: MutualHalfCloseDropsData | undefined;
  writeClosed = false;
  private dropped = false;
  override read(options?: ReadOptions): Promise<ReadResult> {
    return this.dropped ? Promise.resolve(ok(EOF)) : super.read(options);
  }
  override closeWrite(): Promise<WriteResult> {
    this.writeClosed = true;
    if (this.peer?.writeClosed === true) this.dropped = true;
    return super.closeWrite();
  }
}

/** 31: closeWrite() resolves ok at once, before the writes ahead of it were flushed. */
class CloseWriteOkBeforeFlush extends Wrapped {
  override closeWrite(): Promise<WriteResult> {
    void super.closeWrite();
    return Promise.resolve(ok());
  }
}

/** 32: once close() resolved, data received before it is gone: reads return EOF. */
class DropsUnreadOnClose extends Wrapped {
  private closed = false;
  override read(options?: ReadOptions): Promise<ReadResult> {
    return this.closed ? Promise.resolve(ok(EOF)) : super.read(options);
  }
  override async close(options?: CloseOptions): Promise<void> {
    await super.close(options);
    this.closed = true;
  }
}

/** 33: after one failed write, later writes report success again. */
class WriteFailsOnlyOnce extends Wrapped {
  private failedOnce = false;
  override async write(buffer: Uint8Array): Promise<WriteResult> {
    if (this.failedOnce) return ok();
    const r = await super.write(buffer);
    if (!r.ok) this.failedOnce = true;
    return r;
  }
  override writev(buffers: readonly Uint8Array[]): Promise<WriteResult> {
    return this.write(concat(buffers));
  }
}

/** 34: close() waits for pending writes before it looks at its signal. */
class CloseWaitsForPendingWrites extends Wrapped {
  private readonly pending = new Set<Promise<WriteResult>>();
  override write(buffer: Uint8Array): Promise<WriteResult> {
    const p = super.write(buffer);
    this.pending.add(p);
    void p.then(() => this.pending.delete(p));
    return p;
  }
  override async close(options?: CloseOptions): Promise<void> {
    await Promise.all(this.pending);
    return super.close(options);
  }
}

/** 35: a write that fails while stalled never resolves. */
class StalledWriteSwallowsFailure extends Wrapped {
  override async write(buffer: Uint8Array): Promise<WriteResult> {
    const r = await super.write(buffer);
    return r.ok ? r : new Promise<WriteResult>(() => {});
  }
}

/** 36: a read whose signal already fired still takes data that is waiting. */
class FiredSignalTakesData extends Wrapped {
  override read(options?: ReadOptions): Promise<ReadResult> {
    return options?.signal?.aborted === true ? super.read() : super.read(options);
  }
}

/** 37: a read's signal is looked at only when the read is called. */
class SignalCheckedOnlyAtCall extends Wrapped {
  override read(options?: ReadOptions): Promise<ReadResult> {
    if (options?.signal?.aborted === true)
      return Promise.resolve(err({ type: 'aborted', message: 'cancelled' }));
    return super.read();
  }
}

/** 38: a read with any signal gives up after 10 ms, whatever the signal says. */
class TimeoutFiresEarly extends Wrapped {
  override read(options?: ReadOptions): Promise<ReadResult> {
    return options?.signal === undefined ? super.read() : super.read({ signal: AbortSignal.timeout(10) });
  }
}

/** 39: only the first read that uses a given signal can be cancelled by it. */
class SignalHonouredOnce extends Wrapped {
  private readonly seen = new WeakSet<AbortSignal>();
  override read(options?: ReadOptions): Promise<ReadResult> {
    const signal = options?.signal;
    if (signal === undefined || this.seen.has(signal)) return super.read();
    this.seen.add(signal);
    return super.read(options);
  }
}

/** 40: close({ signal }) resolves when the signal fires but leaves the flow open. */
class CancelledCloseLeavesFlowOpen extends Wrapped {
  override close(options?: CloseOptions): Promise<void> {
    const closing = super.close();
    const signal = options?.signal;
    if (signal === undefined) return closing;
    return Promise.race([
      closing,
      new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      }),
    ]);
  }
}

/** 41: abort() leaves an internal promise rejected with nobody handling it. */
class AbortLeaksRejection extends Wrapped {
  override abort(reason?: unknown): void {
    super.abort(reason);
    void Promise.reject(new Error('socket destroyed (leaked by abort)'));
  }
}

/** 42: drops one write, the 3000th made across every flow of the transport. */
let writesMade = 0;
class DropsOneWriteUnderLoad extends Wrapped {
  override write(buffer: Uint8Array): Promise<WriteResult> {
    if (++writesMade === 3000) return Promise.resolve(ok());
    return super.write(buffer);
  }
}

/** 44: a later close() call resolves at once while the first still waits for the remote. */
class LaterCloseEarly extends Wrapped {
  private closing: Promise<void> | undefined;
  override close(options?: CloseOptions): Promise<void> {
    if (this.closing !== undefined) return Promise.resolve();
    this.closing = super.close(options);
    return this.closing;
  }
}

/** 45: encodes a string passed to write or writev and sends it, as a flow that never checks its argument does. */
class SendsStrings extends Wrapped {
  override write(buffer: Uint8Array): Promise<WriteResult> {
    return typeof buffer === 'string' ? super.write(new TextEncoder().encode(buffer)) : super.write(buffer);
  }
  override writev(buffers: readonly Uint8Array[]): Promise<WriteResult> {
    if (typeof buffers === 'string') return this.write(buffers);
    return super.writev(buffers.map((b) => (typeof b === 'string' ? new TextEncoder().encode(b) : b)));
  }
}

/** 46: a read with a bad signal rejects with the TypeError instead of throwing it at the call. */
class RejectsBadSignal extends Wrapped {
  override read(options?: ReadOptions): Promise<ReadResult> {
    try {
      return super.read(options);
    } catch (e) {
      return Promise.reject(e);
    }
  }
}

/** One broken transport and the cases that must catch it. */
export interface BrokenVariant {
  readonly name: string;
  readonly makePair: () => Promise<readonly [Flow, Flow]>;
  /** `topic/case` ids; every one of them must fail against this variant. */
  readonly mustCatch: readonly string[];
  /** When given, the failure message must match (proves the right promise was named). */
  readonly message?: RegExp;
}

function linked<T extends Wrapped & { peer: T | undefined }>(
  make: (inner: Flow) => T,
): () => Promise<readonly [Flow, Flow]> {
  return async () => {
    const [a, b] = referencePair();
    const wa = make(a);
    const wb = make(b);
    wa.peer = wb;
    wb.peer = wa;
    return [wa, wb];
  };
}

/** 43: every third pair's acceptor is swapped with the previous pair's (crossed connections). */
function crossedPairs(): () => Promise<readonly [Flow, Flow]> {
  let n = 0;
  let previous: [Flow, Flow] | undefined;
  return async () => {
    const pair: [Flow, Flow] = [...referencePair()];
    n++;
    if (previous !== undefined && n % 3 === 0) {
      const mine = pair[1];
      pair[1] = previous[1];
      previous[1] = mine;
    }
    previous = pair;
    return pair;
  };
}

function wrapBoth(make: (inner: Flow) => Flow): () => Promise<readonly [Flow, Flow]> {
  return async () => {
    const [a, b] = referencePair();
    return [make(a), make(b)];
  };
}

export const brokenVariants: readonly BrokenVariant[] = [
  {
    name: 'drops the last chunk on close',
    makePair: wrapBoth((f) => new DropsLastChunk(f)),
    mustCatch: ['basic/1mib-1kib-a-to-b', 'close/close-flushes-writes'],
  },
  {
    name: 'returns EOF while data is still in flight',
    makePair: async () => {
      const [a, b] = referencePair();
      const wa = new EofEarly(a);
      const wb = new EofEarly(b);
      wa.peer = wb;
      wb.peer = wa;
      return [wa, wb];
    },
    mustCatch: ['close/close-flushes-writes', 'write-rules/read-after-eof'],
  },
  {
    name: 'reorders writev',
    makePair: wrapBoth((f) => new ReordersWritev(f)),
    mustCatch: ['write-rules/writev-order', 'write-rules/writev-mixed-empty', 'properties/random-chunkings'],
  },
  {
    name: 'close does not wait for the remote',
    makePair: wrapBoth((f) => new CloseDoesNotWait(f)),
    // Every case that needs `closeWaitsForRemote` (broken.test.ts checks the list is complete).
    mustCatch: [
      'close/close-waits-for-remote',
      'close/close-idempotent',
      'close/close-signal-bounds-wait',
      'deadlines/close-timeout',
      'deadlines/cancelled-close-still-closes',
      'half-close/dialer-closes-first',
    ],
    message: /before the (acceptor|remote) closed/,
  },
  {
    name: 'sends a string passed to write',
    makePair: wrapBoth((f) => new SendsStrings(f)),
    mustCatch: ['write-rules/bad-arguments-throw-at-call'],
    message: /write\("abc"\) did not throw a TypeError at the call/,
  },
  {
    name: 'rejects a bad read signal instead of throwing',
    makePair: wrapBoth((f) => new RejectsBadSignal(f)),
    mustCatch: ['write-rules/bad-arguments-throw-at-call'],
    message: /read\(\{ signal: "abc" \}\) did not throw a TypeError at the call/,
  },
  {
    name: 'a later close() resolves before the first',
    makePair: wrapBoth((f) => new LaterCloseEarly(f)),
    mustCatch: ['close/close-calls-resolve-together', 'close/close-idempotent'],
  },
  {
    name: 'accepts a write after close',
    makePair: wrapBoth((f) => new WriteAfterCloseOk(f)),
    mustCatch: ['write-rules/write-after-close', 'half-close/dialer-closes-first'],
    message: /succeeded, expected \{ type: 'closed' \}/,
  },
  {
    name: 'loses data when a read is cancelled',
    makePair: wrapBoth((f) => new CancelLosesData(f)),
    mustCatch: ['cancel/cancelled-read-loses-nothing', 'cancel/cancel-many-interleaved'],
  },
  {
    name: 'ignores backpressure (unbounded queue)',
    makePair: wrapBoth((f) => new NoBackpressure(f)),
    mustCatch: ['backpressure/writer-stalls-then-drains'],
    message: /no backpressure/,
  },
  {
    name: 'throws on a write after close',
    makePair: wrapBoth((f) => new ThrowsOnWriteAfterClose(f)),
    mustCatch: ['write-rules/write-after-close'],
    message: /threw \(flowkit methods never throw\)/,
  },
  {
    name: 'returns zero-length buffers from read',
    makePair: wrapBoth((f) => new EmptyReads(f)),
    mustCatch: ['basic/1mib-1kib-a-to-b', 'basic/ping-pong-1000', 'properties/model-sequences'],
    message: /zero-length buffer/,
  },
  {
    name: 'duplicates a chunk under concurrent reads',
    makePair: wrapBoth((f) => new DuplicatesUnderConcurrency(f)),
    mustCatch: ['concurrency/concurrent-reads-order'],
  },
  {
    name: 'second close() never resolves',
    makePair: wrapBoth((f) => new CloseNotIdempotent(f)),
    mustCatch: ['close/close-idempotent'],
  },
  {
    name: 'abort leaves pending reads hanging',
    makePair: wrapBoth((f) => new AbortHangsReads(f)),
    mustCatch: ['abort/abort-pending-reads'],
    message: /no result within/,
  },
  {
    name: 'reuses the buffer a read returned',
    makePair: wrapBoth((f) => new ReusesReadBuffer(f)),
    mustCatch: ['basic/1mib-1kib-a-to-b', 'basic/chunks-mixed'],
  },
  {
    name: 'reorders concurrent writes',
    makePair: wrapBoth((f) => new ReordersConcurrentWrites(f)),
    mustCatch: ['concurrency/concurrent-writes-order', 'close/close-flushes-writes'],
  },
  {
    name: 'abort looks like a clean EOF to the remote',
    makePair: wrapBoth((f) => new AbortLooksLikeEof(f)),
    mustCatch: ['abort/remote-sees-reset'],
  },
  {
    name: 'close() also ends reading (no half-close)',
    makePair: wrapBoth((f) => new NoHalfClose(f)),
    mustCatch: [
      'half-close/dialer-closes-first',
      'half-close/acceptor-closes-first',
      'half-close/simultaneous-close',
    ],
  },
  {
    name: 'EOF is not repeated',
    makePair: wrapBoth((f) => new EofNotSticky(f)),
    mustCatch: ['write-rules/read-after-eof'],
  },
  {
    name: 'close() ignores its signal',
    makePair: wrapBoth((f) => new CloseIgnoresSignal(f)),
    mustCatch: ['close/close-signal-bounds-wait', 'close/close-pre-aborted-signal'],
  },
  {
    name: 'reads reject after abort',
    makePair: wrapBoth((f) => new RejectsAfterAbort(f)),
    mustCatch: ['abort/abort-idempotent'],
    message: /rejected \(flowkit methods never reject\)/,
  },
  {
    name: 'abort after a clean close is ignored',
    makePair: wrapBoth((f) => new AbortIgnoredAfterClose(f)),
    mustCatch: ['abort/abort-after-clean-close'],
  },
  {
    name: 'closeWrite() reports a half-close it did not send',
    makePair: wrapBoth((f) => new FakeHalfClose(f)),
    mustCatch: [
      'close-write/never-reports-a-half-close-that-did-not-happen',
      'close-write/remote-reads-all-then-eof',
    ],
  },
  {
    name: 'a second closeWrite() resolves differently',
    makePair: wrapBoth((f) => new CloseWriteNotIdempotent(f)),
    mustCatch: ['close-write/idempotent'],
    message: /resolved differently/,
  },
  {
    name: 'accepts writes after closeWrite()',
    makePair: wrapBoth((f) => new WritesAfterCloseWriteOk(f)),
    mustCatch: ['close-write/writes-after-close-write'],
    message: /succeeded, expected \{ type: 'closed' \}/,
  },
  {
    name: 'closeWrite() also ends reading',
    makePair: wrapBoth((f) => new CloseWriteEndsReading(f)),
    mustCatch: ['close-write/reads-continue', 'close-write/never-reports-a-half-close-that-did-not-happen'],
  },
  {
    name: 'a write-closed flow stops receiving after 1 MiB',
    makePair: wrapBoth((f) => new HalfOpenReceiveLimit(f)),
    mustCatch: ['close-write/large-receive-after-close-write'],
  },
  {
    name: 'closeWrite() overtakes earlier writes',
    makePair: wrapBoth((f) => new CloseWriteOvertakesWrites(f)),
    mustCatch: ['close-write/flushes-unawaited-writes'],
  },
  {
    name: 'drops the last chunk at closeWrite()',
    makePair: wrapBoth((f) => new DropsLastChunk(f)),
    mustCatch: ['close-write/remote-reads-all-then-eof'],
  },
  {
    name: 'abort() after closeWrite() is ignored',
    makePair: wrapBoth((f) => new AbortIgnoredAfterCloseWrite(f)),
    mustCatch: ['close-write/close-write-then-abort'],
  },
  {
    name: 'closeWrite() after the remote’s EOF fails',
    makePair: wrapBoth((f) => new CloseWriteFailsAfterRemoteEof(f)),
    mustCatch: ['close-write/close-write-after-remote-eof'],
  },
  {
    name: 'close() after closeWrite() does not wait for the remote',
    makePair: wrapBoth((f) => new CloseAfterCloseWriteDoesNotWait(f)),
    mustCatch: ['close-write/close-write-then-close-waits'],
    message: /before the remote closed/,
  },
  {
    name: 'a mutual half-close drops unread data',
    makePair: linked((f) => new MutualHalfCloseDropsData(f)),
    mustCatch: ['close-write/both-close-write'],
  },
  {
    name: 'closeWrite() resolves ok before the flush',
    makePair: wrapBoth((f) => new CloseWriteOkBeforeFlush(f)),
    mustCatch: ['close-write/result-when-remote-reset-before-flush'],
    message: /before the stalled write was flushed/,
  },
  {
    name: 'drops unread data once close() resolved',
    makePair: wrapBoth((f) => new DropsUnreadOnClose(f)),
    mustCatch: ['close/data-readable-after-close'],
  },
  {
    name: 'close() also ends reading, while the remote writes',
    makePair: wrapBoth((f) => new NoHalfClose(f)),
    mustCatch: ['close/close-while-remote-writes'],
  },
  {
    name: 'close() ignores its signal while the remote writes',
    makePair: wrapBoth((f) => new CloseIgnoresSignal(f)),
    mustCatch: ['close/close-signal-while-remote-writes', 'deadlines/close-timeout'],
  },
  {
    name: 'a failed flow accepts writes again',
    makePair: wrapBoth((f) => new WriteFailsOnlyOnce(f)),
    mustCatch: ['write-rules/write-fails-and-keeps-failing'],
    message: /a failed flow stays failed/,
  },
  {
    name: 'close() waits for stalled writes before its signal',
    makePair: wrapBoth((f) => new CloseWaitsForPendingWrites(f)),
    mustCatch: ['clogged/close-signal-unclogs'],
  },
  {
    name: 'closeWrite() resolves ok on a clogged flow',
    makePair: wrapBoth((f) => new CloseWriteOkBeforeFlush(f)),
    mustCatch: ['clogged/close-write-waits-for-drain'],
    message: /before the reader drained it/,
  },
  {
    name: 'a stalled write that fails never resolves',
    makePair: wrapBoth((f) => new StalledWriteSwallowsFailure(f)),
    mustCatch: ['clogged/remote-abort-unclogs'],
  },
  {
    name: 'a read with a fired signal takes waiting data',
    makePair: wrapBoth((f) => new FiredSignalTakesData(f)),
    mustCatch: ['deadlines/past-timeout-with-data-waiting', 'races/concurrent-methods'],
  },
  {
    name: 'a read’s signal is checked only at the call',
    makePair: wrapBoth((f) => new SignalCheckedOnlyAtCall(f)),
    mustCatch: ['deadlines/present-timeout', 'deadlines/future-timeout'],
  },
  {
    name: 'a read with a signal times out early',
    makePair: wrapBoth((f) => new TimeoutFiresEarly(f)),
    mustCatch: ['deadlines/future-timeout'],
  },
  {
    name: 'a signal cancels only the first read that uses it',
    makePair: wrapBoth((f) => new SignalHonouredOnce(f)),
    mustCatch: ['deadlines/shared-signal'],
  },
  {
    name: 'a cancelled close leaves the flow open',
    makePair: wrapBoth((f) => new CancelledCloseLeavesFlowOpen(f)),
    mustCatch: ['deadlines/cancelled-close-still-closes'],
  },
  {
    name: 'loses data when racing reads are cancelled',
    makePair: wrapBoth((f) => new CancelLosesData(f)),
    mustCatch: ['races/racy-read', 'races/racy-write'],
  },
  {
    name: 'reorders racing writes',
    makePair: wrapBoth((f) => new ReordersConcurrentWrites(f)),
    mustCatch: ['races/racy-write'],
  },
  {
    name: 'closeWrite() overtakes writes called at the same time',
    makePair: wrapBoth((f) => new CloseWriteOvertakesWrites(f)),
    mustCatch: ['races/concurrent-methods-then-closing'],
  },
  {
    name: 'abort() leaks an unhandled rejection',
    makePair: wrapBoth((f) => new AbortLeaksRejection(f)),
    mustCatch: ['abort/abort-leaks-nothing'],
    message:
      /^unhandled rejection during the case \(the last flow calls before it: .*abort\(\).*socket destroyed/,
  },
  {
    name: 'crosses connections when many pairs are made',
    makePair: crossedPairs(),
    mustCatch: ['stress/flows-10-messages-10', 'stress/flows-100-messages-1'],
  },
  {
    name: 'drops one write under load',
    makePair: async () => {
      writesMade = 0;
      const [a, b] = referencePair();
      return [new DropsOneWriteUnderLoad(a), new DropsOneWriteUnderLoad(b)];
    },
    mustCatch: ['stress/small-messages-both-ways'],
  },
];
