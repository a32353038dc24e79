import type {
  CloseOptions,
  ConnectError,
  Flow,
  ListenError,
  Listener,
  ReadOptions,
  ReadResult,
  Result,
} from '@flowkit/flow-types';
import { EOF, err, ok } from '@flowkit/flow-types';
import type { ListenerConformanceOptions } from '../../src/index.js';
import { referencePair } from './reference-pair.js';

/**
 * Deliberate bugs the reference listener can be built with, one per broken
 * listener in the self-test; all off for the reference itself.
 */
export interface ListenerBugs {
  /** close() leaves queued connections open. */
  readonly leaveQueuedOnClose?: boolean;
  /** close() half-closes queued connections (their dialers read EOF) instead of aborting them. */
  readonly closeQueuedGracefully?: boolean;
  /** Queued connections are accepted newest first. */
  readonly lifo?: boolean;
  /** A connection accepted from the queue loses the first chunk it received. */
  readonly dropQueuedData?: boolean;
  /** Only the newest pending accept() is ever served. */
  readonly singleWaiter?: boolean;
  /** accept() after close() still hands out queued connections. */
  readonly acceptAfterClose?: boolean;
  /** Every `n`th incoming connection is aborted on arrival. */
  readonly abortEvery?: number;
  /**
   * Every incoming connection is handed out twice: once as itself and once
   * as a distinct object over the same connection, so two accepted flows
   * share one dialer and another dialer's connection is never accepted.
   */
  readonly deliverTwice?: boolean;
}

/** A distinct object over `flow`: every method is `flow`'s own, bound to it. */
function sameConnection(flow: Flow): Flow {
  return new Proxy(flow, {
    get: (target, key) => {
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Drops the first chunk the flow reads (data that arrived while it was queued). */
class DropsFirstChunk implements Flow {
  private dropped = false;
  constructor(private readonly inner: Flow) {}
  async read(options?: ReadOptions): Promise<ReadResult> {
    const r = await (options === undefined ? this.inner.read() : this.inner.read(options));
    if (!this.dropped && r.ok && r.value !== EOF) {
      this.dropped = true;
      return this.read(options);
    }
    return r;
  }
  write(b: Uint8Array) {
    return this.inner.write(b);
  }
  writev(b: readonly Uint8Array[]) {
    return this.inner.writev(b);
  }
  closeWrite() {
    return this.inner.closeWrite();
  }
  close(o?: CloseOptions) {
    return o === undefined ? this.inner.close() : this.inner.close(o);
  }
  abort(reason?: unknown) {
    this.inner.abort(reason);
  }
}

/** A plain in-memory listener over named addresses, used only to test the suite. */
class ReferenceListener implements Listener<Flow, { name: string }> {
  private readonly backlog: Flow[] = [];
  private readonly waiting: ((r: Result<Flow, ListenError>) => void)[] = [];
  private closed = false;
  private arrived = 0;

  constructor(
    readonly address: { name: string },
    private readonly registry: Map<string, ReferenceListener>,
    private readonly bugs: ListenerBugs,
  ) {}

  deliver(flow: Flow): void {
    const n = ++this.arrived;
    if (this.bugs.abortEvery !== undefined && n % this.bugs.abortEvery === 0) {
      flow.abort();
      return;
    }
    this.hand(flow);
    if (this.bugs.deliverTwice) this.hand(sameConnection(flow));
  }

  private hand(flow: Flow): void {
    const w = this.bugs.singleWaiter ? this.waiting.pop() : this.waiting.shift();
    if (this.bugs.singleWaiter) this.waiting.length = 0;
    if (w !== undefined) w(ok(flow));
    else this.backlog.push(flow);
  }

  accept(): Promise<Result<Flow, ListenError>> {
    if (this.closed && !(this.bugs.acceptAfterClose && this.backlog.length > 0))
      return Promise.resolve(err({ type: 'closed', message: `listener ${this.address.name} is closed` }));
    const f = this.bugs.lifo ? this.backlog.pop() : this.backlog.shift();
    if (f !== undefined) return Promise.resolve(ok(this.bugs.dropQueuedData ? new DropsFirstChunk(f) : f));
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      if (this.registry.get(this.address.name) === this) this.registry.delete(this.address.name);
      for (const w of this.waiting.splice(0))
        w(err({ type: 'closed', message: `listener ${this.address.name} is closed` }));
      if (this.bugs.closeQueuedGracefully) for (const f of this.backlog.splice(0)) void f.closeWrite();
      else if (!this.bugs.leaveQueuedOnClose && !this.bugs.acceptAfterClose)
        for (const f of this.backlog.splice(0)) f.abort();
    }
    return Promise.resolve();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Flow> {
    for (;;) {
      const r = await this.accept();
      if (!r.ok) return;
      yield r.value;
    }
  }
}

/** `listenerConformance` options for the reference listener, with a fresh registry. */
export function referenceListenerOptions(
  bugs: ListenerBugs = {},
): ListenerConformanceOptions<{ name: string }> {
  const registry = new Map<string, ReferenceListener>();
  let next = 0;
  const bind = async (name: string): Promise<Result<Listener<Flow, { name: string }>, ListenError>> => {
    if (registry.has(name)) return err({ type: 'in-use', message: `address ${name} is in use` });
    const l = new ReferenceListener({ name }, registry, bugs);
    registry.set(name, l);
    return ok(l);
  };
  const dial = async (name: string): Promise<Result<Flow, ConnectError>> => {
    const l = registry.get(name);
    if (l === undefined) return err({ type: 'refused', message: `nothing listens on ${name}` });
    const [dialer, acceptor] = referencePair();
    l.deliver(acceptor);
    return ok(dialer);
  };
  return {
    name: 'reference listener',
    listen: () => bind(`ref-${next++}`),
    connect: (l) => dial(l.address.name),
    connectToNothing: () => dial('nobody-here'),
    listenAgain: (l) => bind(l.address.name),
  };
}
