import type { Flow, ListenError, Listener, Result } from '@flowkit/flow-types';
import type { ListenerConformanceOptions } from '../../src/index.js';
import { referenceListenerOptions } from './reference-listener.js';

/** After close(), accept() never resolves (and so `for await` never ends). */
class AcceptHangsAfterClose implements Listener<Flow, { name: string }> {
  private closed = false;
  constructor(readonly inner: Listener<Flow, { name: string }>) {}
  get address(): { name: string } {
    return this.inner.address;
  }
  accept(): Promise<Result<Flow, ListenError>> {
    if (this.closed) return new Promise(() => {});
    return this.inner.accept().then((r) => (this.closed ? new Promise<never>(() => {}) : r));
  }
  close(): Promise<void> {
    this.closed = true;
    return this.inner.close();
  }
  async *[Symbol.asyncIterator](): AsyncIterator<Flow> {
    for (;;) {
      const r = await this.accept();
      if (!r.ok) return;
      yield r.value;
    }
  }
}

/** A broken listener transport and the listener cases that must catch it. */
export interface BrokenListenerVariant {
  readonly name: string;
  readonly options: () => ListenerConformanceOptions<{ name: string }>;
  readonly mustCatch: readonly string[];
}

export const brokenListenerVariants: readonly BrokenListenerVariant[] = [
  {
    name: 'accept() hangs after close()',
    options: () => {
      const base = referenceListenerOptions();
      const inners = new WeakMap<Listener<Flow, { name: string }>, Listener<Flow, { name: string }>>();
      const unwrap = (l: Listener<Flow, { name: string }>) => inners.get(l) ?? l;
      return {
        ...base,
        listen: async () => {
          const r = await base.listen();
          if (!r.ok) return r;
          const w = new AcceptHangsAfterClose(r.value);
          inners.set(w, r.value);
          return { ok: true, value: w };
        },
        connect: (l) => base.connect(unwrap(l)),
      };
    },
    mustCatch: [
      'lifecycle/accept-after-close',
      'lifecycle/for-await',
      'accept-queue/for-await-after-close-ends',
    ],
  },
  {
    name: 'a live address can be bound twice',
    options: () => {
      const base = referenceListenerOptions();
      return { ...base, listenAgain: () => base.listen() };
    },
    mustCatch: ['errors/listen-in-use'],
  },
  {
    name: 'connecting to nothing succeeds',
    options: () => {
      const base = referenceListenerOptions();
      return {
        ...base,
        connectToNothing: async () => {
          const r = await base.listen();
          if (!r.ok) throw new Error('reference listen failed');
          const dialed = await base.connect(r.value);
          await r.value.close();
          return dialed;
        },
      };
    },
    mustCatch: ['errors/connect-to-nothing'],
  },
  {
    name: 'close() leaves queued connections open',
    options: () => referenceListenerOptions({ leaveQueuedOnClose: true }),
    mustCatch: ['accept-queue/close-aborts-queued'],
  },
  {
    name: 'close() closes queued connections gracefully instead of aborting them',
    options: () => referenceListenerOptions({ closeQueuedGracefully: true }),
    mustCatch: ['accept-queue/close-resets-queued'],
  },
  {
    name: 'queued connections are accepted newest first',
    options: () => referenceListenerOptions({ lifo: true }),
    mustCatch: ['accept-queue/queued-in-order'],
  },
  {
    name: 'a queued connection loses data that arrived before accept()',
    options: () => referenceListenerOptions({ dropQueuedData: true }),
    mustCatch: ['accept-queue/queued-keeps-data', 'stress/dialer-closes-before-accept'],
  },
  {
    name: 'only the newest pending accept() is served',
    options: () => referenceListenerOptions({ singleWaiter: true }),
    mustCatch: ['accept-queue/pending-accepts-each-served'],
  },
  {
    name: 'accept() after close() hands out queued connections',
    options: () => referenceListenerOptions({ acceptAfterClose: true }),
    mustCatch: ['accept-queue/no-queued-flow-after-close'],
  },
  {
    // Caught by hearIndices: two accepted flows share one dialer's byte.
    name: 'every connection is handed out twice, as two objects over one connection',
    options: () => referenceListenerOptions({ deliverTwice: true }),
    mustCatch: ['lifecycle/accept-many', 'accept-queue/pending-accepts-each-served'],
  },
  {
    name: 'every 50th connection is dropped',
    options: () => referenceListenerOptions({ abortEvery: 50 }),
    mustCatch: ['stress/concurrent-100x100', 'stress/sequential-200'],
  },
];
