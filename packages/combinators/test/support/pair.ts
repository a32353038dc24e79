import { closedError, EOF, type Flow, type ReadResult, type WriteResult } from '@flowkit/flow-types';

/**
 * A small test-only in-process flow pair: zero-copy (the reader gets the very
 * buffer that was written), with `capacity` bytes of buffer per direction for
 * backpressure. Used until `@flowkit/memory` is ready; it also counts writes
 * so tests can see how much a writer managed to push.
 */
export interface TestFlow extends Flow {
  /** Bytes this end's writes were accepted for. */
  readonly accepted: number;
}

interface Waiter {
  resolve(r: ReadResult): void;
}

class Direction {
  queue: Uint8Array[] = [];
  queued = 0;
  ended = false;
  failed: 'reset' | undefined;
  readers: Waiter[] = [];
  space: (() => void)[] = [];
  constructor(readonly capacity: number) {}

  wakeWriters(): void {
    const ws = this.space;
    this.space = [];
    for (const w of ws) w();
  }

  settleReaders(): void {
    while (this.readers.length > 0 && (this.ended || this.failed)) {
      const r = this.readers.shift()!;
      if (this.failed) r.resolve({ ok: false, error: { type: 'reset', message: 'peer reset' } });
      else r.resolve({ ok: true, value: EOF });
    }
  }
}

class End implements TestFlow {
  accepted = 0;
  #aborted = false;
  #writeClosed = false;
  #chain: Promise<unknown> = Promise.resolve();
  #closing: Promise<void> | undefined;
  #closeWaiters: (() => void)[] = [];
  peer!: End;

  constructor(
    readonly incoming: Direction,
    readonly outgoing: Direction,
  ) {}

  read(options?: { signal?: AbortSignal }): Promise<ReadResult> {
    if (this.#aborted) return Promise.resolve({ ok: false, error: { type: 'aborted', message: 'aborted' } });
    const d = this.incoming;
    const next = d.queue.shift();
    if (next !== undefined) {
      d.queued -= next.byteLength;
      d.wakeWriters();
      return Promise.resolve({ ok: true, value: next });
    }
    if (d.failed) return Promise.resolve({ ok: false, error: { type: 'reset', message: 'peer reset' } });
    if (d.ended) return Promise.resolve({ ok: true, value: EOF });
    const signal = options?.signal;
    if (signal?.aborted) return Promise.resolve({ ok: false, error: { type: 'aborted', message: 'read aborted' } });
    return new Promise((resolve) => {
      const onAbort = (): void => {
        const i = d.readers.indexOf(waiter);
        if (i >= 0) d.readers.splice(i, 1);
        resolve({ ok: false, error: { type: 'aborted', message: 'read aborted' } });
      };
      const waiter: Waiter = {
        resolve: (r) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(r);
        },
      };
      d.readers.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  write(buffer: Uint8Array): Promise<WriteResult> {
    return this.writev([buffer]);
  }

  writev(buffers: readonly Uint8Array[]): Promise<WriteResult> {
    if (this.#aborted || this.#writeClosed) return Promise.resolve({ ok: false, error: closedError() });
    const run = async (): Promise<WriteResult> => {
      for (const b of buffers) {
        if (b.byteLength === 0) continue;
        const d = this.outgoing;
        while (d.queued >= d.capacity && !this.#aborted && !d.failed && !this.peer.#aborted) {
          await new Promise<void>((r) => d.space.push(r));
        }
        if (this.#aborted || d.failed || this.peer.#aborted) return { ok: false, error: closedError() };
        const reader = d.readers.shift();
        if (reader) reader.resolve({ ok: true, value: b });
        else {
          d.queue.push(b);
          d.queued += b.byteLength;
        }
        this.accepted += b.byteLength;
      }
      return { ok: true, value: undefined };
    };
    const p = this.#chain.then(run);
    this.#chain = p;
    return p;
  }

  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#writeClosed = true;
    this.#closing = new Promise<void>((resolve) => {
      this.#closeWaiters.push(resolve);
      void this.#chain.then(() => {
        this.outgoing.ended = true;
        this.outgoing.settleReaders();
        this.peer.maybeFinish();
        this.maybeFinish();
      });
    });
    return this.#closing;
  }

  maybeFinish(): void {
    if (this.#aborted || (this.outgoing.ended && this.incoming.ended) || this.incoming.failed) {
      const ws = this.#closeWaiters;
      this.#closeWaiters = [];
      for (const w of ws) w();
    }
  }

  abort(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#writeClosed = true;
    const rs = this.incoming.readers;
    this.incoming.readers = [];
    for (const r of rs) r.resolve({ ok: false, error: { type: 'aborted', message: 'aborted' } });
    this.incoming.queue = [];
    this.incoming.queued = 0;
    this.outgoing.failed = 'reset';
    this.outgoing.settleReaders();
    this.outgoing.wakeWriters();
    this.incoming.wakeWriters();
    this.maybeFinish();
    this.peer.maybeFinish();
  }
}

/** Two connected test flows with `capacity` bytes of buffer each way (default 64 KiB). */
export function testPair(capacity = 65_536): [TestFlow, TestFlow] {
  const ab = new Direction(capacity);
  const ba = new Direction(capacity);
  const a = new End(ba, ab);
  const b = new End(ab, ba);
  a.peer = b;
  b.peer = a;
  return [a, b];
}
