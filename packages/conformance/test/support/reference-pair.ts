import type { CloseOptions, Flow, ReadOptions, ReadResult, WriteResult } from '@flowkit/flow-types';
import { closedError, EOF, err, ok } from '@flowkit/flow-types';

/**
 * A deliberately plain in-memory flow pair, used only to test the suite.
 * Written apart from `@flowkit/memory` so that the suite's self-test does not
 * depend on the code it will later judge.
 */

interface PendingWrite {
  readonly chunks: readonly Uint8Array[];
  readonly resolve: (r: WriteResult) => void;
}

interface PendingRead {
  readonly resolve: (r: ReadResult) => void;
  readonly detach: () => void;
}

/** One direction: what the writer end has sent and the reader end has not read. */
class Pipe {
  readonly queue: Uint8Array[] = [];
  queued = 0;
  readonly writes: PendingWrite[] = [];
  readonly reads: PendingRead[] = [];
  /** The writer called close: EOF once the queue and pending writes drain. */
  endRequested = false;
  /** The writer aborted: the reader gets `reset`. */
  reset = false;
  /** The reader aborted: the writer gets `closed`. */
  readerGone = false;

  constructor(readonly capacity: number) {}

  pump(): void {
    for (;;) {
      let progressed = false;
      while (this.writes.length > 0 && this.queued < this.capacity) {
        const w = this.writes.shift()!;
        for (const c of w.chunks) {
          this.queue.push(c);
          this.queued += c.length;
        }
        w.resolve(ok());
        progressed = true;
      }
      while (this.reads.length > 0 && this.queue.length > 0) {
        const r = this.reads.shift()!;
        const c = this.queue.shift()!;
        this.queued -= c.length;
        r.detach();
        r.resolve(ok(c));
        progressed = true;
      }
      if (!progressed) break;
    }
    if (this.queue.length === 0 && this.writes.length === 0 && this.endRequested) {
      for (const r of this.reads.splice(0)) {
        r.detach();
        r.resolve(ok(EOF));
      }
    }
  }

  failWrites(): void {
    for (const w of this.writes.splice(0)) w.resolve(err(closedError('flow was aborted')));
  }

  failReads(type: 'reset' | 'aborted'): void {
    for (const r of this.reads.splice(0)) {
      r.detach();
      r.resolve(err({ type, message: type === 'reset' ? 'remote aborted the flow' : 'flow was aborted' }));
    }
  }
}

class Endpoint implements Flow {
  peer!: Endpoint;
  private aborted = false;
  private writeClosed: Promise<WriteResult> | undefined;
  private closing: Promise<void> | undefined;
  private resolveClose: (() => void) | undefined;

  constructor(
    private readonly outgoing: Pipe,
    private readonly incoming: Pipe,
  ) {}

  read(options?: ReadOptions): Promise<ReadResult> {
    if (options !== undefined && options !== null && typeof options !== 'object')
      throw new TypeError('read: options must be an object');
    const s: unknown = options?.signal;
    if (s !== undefined && !(s instanceof AbortSignal))
      throw new TypeError('read: options.signal must be an AbortSignal');
    if (this.aborted) return Promise.resolve(err({ type: 'aborted', message: 'flow was aborted' }));
    const signal = options?.signal;
    // A fired signal cancels at once, even with data waiting (which stays queued).
    if (signal?.aborted) return Promise.resolve(err({ type: 'aborted', message: 'read cancelled' }));
    const p = this.incoming;
    if (p.reads.length === 0 && p.queue.length > 0) {
      const c = p.queue.shift()!;
      p.queued -= c.length;
      p.pump();
      return Promise.resolve(ok(c));
    }
    if (p.reset) return Promise.resolve(err({ type: 'reset', message: 'remote aborted the flow' }));
    if (p.reads.length === 0 && p.writes.length === 0 && p.endRequested) return Promise.resolve(ok(EOF));
    return new Promise<ReadResult>((resolve) => {
      const onAbort = (): void => {
        const i = p.reads.indexOf(entry);
        if (i >= 0) p.reads.splice(i, 1);
        resolve(err({ type: 'aborted', message: 'read cancelled', cause: signal?.reason }));
      };
      const entry: PendingRead = { resolve, detach: () => signal?.removeEventListener('abort', onAbort) };
      signal?.addEventListener('abort', onAbort, { once: true });
      p.reads.push(entry);
      p.pump();
    });
  }

  write(buffer: Uint8Array): Promise<WriteResult> {
    if (!(buffer instanceof Uint8Array)) throw new TypeError('write: buffer must be a Uint8Array');
    return this.writev([buffer]);
  }

  writev(buffers: readonly Uint8Array[]): Promise<WriteResult> {
    if (!Array.isArray(buffers) || !buffers.every((b) => b instanceof Uint8Array))
      throw new TypeError('writev: buffers must be an array of Uint8Array');
    const p = this.outgoing;
    if (this.aborted || this.writeClosed !== undefined || p.readerGone) {
      return Promise.resolve(err(closedError()));
    }
    const chunks = buffers.filter((b) => b.length > 0);
    if (chunks.length === 0) return Promise.resolve(ok());
    return new Promise<WriteResult>((resolve) => {
      p.writes.push({ chunks, resolve });
      p.pump();
    });
  }

  closeWrite(): Promise<WriteResult> {
    if (this.writeClosed === undefined) {
      const p = this.outgoing;
      if (this.aborted || p.readerGone) this.writeClosed = Promise.resolve(err(closedError()));
      else {
        // A chunkless write queued behind the pending ones: it resolves once
        // they were all taken in, or fails with them.
        this.writeClosed = new Promise<WriteResult>((resolve) => {
          p.writes.push({ chunks: [], resolve });
        });
        p.endRequested = true;
        p.pump();
      }
    }
    return this.writeClosed;
  }

  close(options?: CloseOptions): Promise<void> {
    if (this.closing === undefined) {
      this.closing = new Promise<void>((resolve) => {
        this.resolveClose = resolve;
      });
      void this.closeWrite();
      this.settleClose();
      this.peer.settleClose();
    }
    const signal = options?.signal;
    if (signal !== undefined) {
      if (signal.aborted) this.abort(signal.reason);
      else {
        const onAbort = (): void => this.abort(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        void this.closing.then(() => signal.removeEventListener('abort', onAbort));
      }
    }
    return this.closing;
  }

  /** Resolves our close once the remote closed too, or either side aborted. */
  settleClose(): void {
    if (this.resolveClose === undefined) return;
    if (this.aborted || this.incoming.endRequested || this.incoming.reset) {
      this.resolveClose();
      this.resolveClose = undefined;
    }
  }

  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    void reason;
    const out = this.outgoing;
    out.reset = true;
    out.queue.length = 0;
    out.queued = 0;
    out.failWrites();
    out.failReads('reset');
    const inc = this.incoming;
    inc.readerGone = true;
    inc.queue.length = 0;
    inc.queued = 0;
    inc.failWrites();
    inc.failReads('aborted');
    if (this.closing === undefined) this.closing = Promise.resolve();
    this.settleClose();
    this.peer.settleClose();
  }
}

/** Options of {@link referencePair}. */
export interface ReferencePairOptions {
  /** Bytes buffered per direction before writes wait. Default 64 KiB. */
  readonly capacity?: number;
}

/** Two connected reference flows, `[dialer, acceptor]`. */
export function referencePair(options: ReferencePairOptions = {}): readonly [Flow, Flow] {
  const capacity = options.capacity ?? 64 * 1024;
  const ab = new Pipe(capacity);
  const ba = new Pipe(capacity);
  const a = new Endpoint(ab, ba);
  const b = new Endpoint(ba, ab);
  a.peer = b;
  b.peer = a;
  return [a, b];
}
