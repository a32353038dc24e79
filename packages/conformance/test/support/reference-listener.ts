import type { ConnectError, Flow, ListenError, Listener, Result } from '@flowkit/flow-types';
import { err, ok } from '@flowkit/flow-types';
import type { ListenerConformanceOptions } from '../../src/index.js';
import { referencePair } from './reference-pair.js';

/** A plain in-memory listener over named addresses, used only to test the suite. */
class ReferenceListener implements Listener<Flow, { name: string }> {
  private readonly backlog: Flow[] = [];
  private readonly waiting: ((r: Result<Flow, ListenError>) => void)[] = [];
  private closed = false;

  constructor(
    readonly address: { name: string },
    private readonly registry: Map<string, ReferenceListener>,
  ) {}

  deliver(flow: Flow): void {
    const w = this.waiting.shift();
    if (w !== undefined) w(ok(flow));
    else this.backlog.push(flow);
  }

  accept(): Promise<Result<Flow, ListenError>> {
    if (this.closed)
      return Promise.resolve(err({ type: 'closed', message: `listener ${this.address.name} is closed` }));
    const f = this.backlog.shift();
    if (f !== undefined) return Promise.resolve(ok(f));
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      if (this.registry.get(this.address.name) === this) this.registry.delete(this.address.name);
      for (const w of this.waiting.splice(0))
        w(err({ type: 'closed', message: `listener ${this.address.name} is closed` }));
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
export function referenceListenerOptions(): ListenerConformanceOptions {
  const registry = new Map<string, ReferenceListener>();
  let next = 0;
  const bind = async (name: string): Promise<Result<Listener<Flow>, ListenError>> => {
    if (registry.has(name)) return err({ type: 'in-use', message: `address ${name} is in use` });
    const l = new ReferenceListener({ name }, registry);
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
  const nameOf = (l: Listener<Flow>): string => (l.address as { name: string }).name;
  return {
    name: 'reference listener',
    listen: () => bind(`ref-${next++}`),
    connect: (l) => dial(nameOf(l)),
    connectToNothing: () => dial('nobody-here'),
    listenAgain: (l) => bind(nameOf(l)),
  };
}
