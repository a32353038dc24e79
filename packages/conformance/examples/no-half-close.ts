// A transport without native half-close, written for the "writing a
// transport" walkthrough: a Flow over a MessagePort pair. The channel carries
// two kinds of message, data and `close`; `close` ends BOTH directions for
// the sender, so there is no way to say "I am done writing, keep talking".
import type { CloseOptions, Flow, ReadOptions, ReadResult, WriteResult } from '@flowkit/flow-types';
import { EOF, err, ok } from '@flowkit/flow-types';
import { checkByteList, checkBytes, isAbortSignal } from '@flowkit/kernel';

type Message = { readonly kind: 'data'; readonly bytes: Uint8Array } | { readonly kind: 'close' | 'abort' };

class PortFlow implements Flow {
  private readonly queued: ReadResult[] = [];
  private readonly waiting: ((r: ReadResult) => void)[] = [];
  private state: 'open' | 'closing' | 'closed' = 'open';
  private remoteClosed = false;
  private sentClose = false;
  private readonly closed: Promise<void>;
  private release!: () => void;

  constructor(private readonly port: MessagePort) {
    this.closed = new Promise((resolve) => {
      this.release = resolve;
    });
    port.onmessage = (e: MessageEvent<Message>) => this.receive(e.data);
  }

  private receive(m: Message): void {
    if (m.kind === 'data') {
      this.deliver(ok(m.bytes));
    } else if (m.kind === 'abort') {
      this.deliver(err({ type: 'reset', message: 'the remote aborted' }));
      this.finish();
    } else {
      this.remoteClosed = true;
      this.deliver(ok(EOF));
      // The remote's `close` is what our own close() waits for.
      if (this.state === 'closing') this.finish();
    }
  }

  private deliver(r: ReadResult): void {
    // EOF and errors go to every waiting read and stay for every later one.
    if (!r.ok || r.value === EOF) {
      for (const w of this.waiting.splice(0)) w(r);
      this.queued.push(r);
      return;
    }
    const w = this.waiting.shift();
    if (w !== undefined) w(r);
    else this.queued.push(r);
  }

  read(options?: ReadOptions): Promise<ReadResult> {
    // A programming error throws at the call; only outcomes are results.
    if (options !== undefined && options !== null && typeof options !== 'object')
      throw new TypeError('read: options must be an object');
    const given: unknown = options?.signal;
    if (given !== undefined && !isAbortSignal(given))
      throw new TypeError('read: options.signal must be an AbortSignal');
    if (options?.signal?.aborted) return Promise.resolve(err({ type: 'aborted', message: 'read cancelled' }));
    const next = this.queued[0];
    if (next !== undefined) {
      // EOF and errors stay at the head: every later read returns them again.
      if (next.ok && next.value !== EOF) this.queued.shift();
      return Promise.resolve(next);
    }
    if (this.state === 'closed')
      return Promise.resolve(err({ type: 'aborted', message: 'flow was aborted' }));
    return new Promise((resolve) => {
      const signal = options?.signal;
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(take), 1);
        resolve(err({ type: 'aborted', message: 'read cancelled' }));
      };
      const take = (r: ReadResult) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(r);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(take);
    });
  }

  write(buffer: Uint8Array): Promise<WriteResult> {
    checkBytes(buffer, 'write', 'buffer');
    return this.writev([buffer]);
  }

  writev(buffers: readonly Uint8Array[]): Promise<WriteResult> {
    checkByteList(buffers, 'writev', 'buffers');
    if (this.state !== 'open') return Promise.resolve(err({ type: 'closed', message: 'flow is closed' }));
    for (const bytes of buffers)
      if (bytes.length > 0) this.port.postMessage({ kind: 'data', bytes } satisfies Message);
    return Promise.resolve(ok());
  }

  // No half-close: say so instead of pretending. Writing still ends, as the caller asked.
  closeWrite(): Promise<WriteResult> {
    if (this.state === 'open') this.state = 'closing';
    return Promise.resolve(
      err({ type: 'io', code: 'ENOTSUP', message: 'a MessagePort flow cannot half-close; use close()' }),
    );
  }

  // Still a close that waits: send `close`, keep delivering the remote's data,
  // resolve when the remote's own `close` arrives (or the signal fires).
  close(options?: CloseOptions): Promise<void> {
    if (this.state === 'closed') return this.closed;
    if (this.state === 'open') this.state = 'closing';
    if (!this.sentClose) {
      this.sentClose = true;
      this.port.postMessage({ kind: 'close' } satisfies Message);
    }
    if (this.remoteClosed) this.finish();
    const signal = options?.signal;
    if (signal?.aborted) this.abort(signal.reason);
    else signal?.addEventListener('abort', () => this.abort(signal.reason), { once: true });
    return this.closed;
  }

  // Wins in every state, even after a clean close: unread data is dropped.
  abort(_reason?: unknown): void {
    if (this.state !== 'closed') this.port.postMessage({ kind: 'abort' } satisfies Message);
    this.sentClose = true;
    this.queued.length = 0;
    this.deliver(err({ type: 'aborted', message: 'flow was aborted' }));
    if (this.state !== 'closed') this.finish();
  }

  private finish(): void {
    this.state = 'closed';
    this.port.close();
    this.release();
  }
}

/** Two connected flows over a fresh MessageChannel. */
export function portPair(): readonly [Flow, Flow] {
  const { port1, port2 } = new MessageChannel();
  return [new PortFlow(port1), new PortFlow(port2)];
}
