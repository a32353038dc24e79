import { err, type Flow, type ListenError, ok, type Result } from '@flowkit/flow-types';

/** Options of an {@link AcceptQueue}. */
export interface AcceptQueueOptions<F extends Flow> {
  /** Flows held before anyone accepts them; {@link AcceptQueue.push} refuses more. An integer ≥ 1. */
  readonly limit: number;
  /** Names the listener in messages, e.g. `127.0.0.1:8080`. */
  readonly label: string;
  /**
   * Called when a flow is handed to an `accept` call (not when it is
   * queued): where a transport starts reading a connection that it kept
   * paused while nobody had accepted it.
   */
  readonly onAccept?: (flow: F) => void;
}

type AcceptResult<F> = Result<F, ListenError>;

/**
 * The one accept queue of flowkit listeners: flows that arrived and
 * `accept` calls that wait for them, bounded, with one `for await`
 * behaviour for every transport.
 *
 * - {@link AcceptQueue.push} hands a new flow to the oldest waiting
 *   `accept`, or queues it; it returns false when the queue is closed or
 *   holds `limit` flows, and the transport then refuses that connection.
 * - {@link AcceptQueue.close}: queued flows are aborted; pending and later
 *   `accept` calls resolve `closed`.
 * - {@link AcceptQueue.fail}: the listener itself broke; queued flows can
 *   still be accepted, then every `accept` resolves with the error.
 * - Async iteration yields accepted flows and ends at the first error
 *   (`closed` or a fatal one). A failure of one incoming connection (a TLS
 *   handshake) is never an accept error: it goes to the transport's own
 *   hook, so one bad client cannot end a server loop.
 */
export class AcceptQueue<F extends Flow> implements AsyncIterable<F> {
  readonly #limit: number;
  readonly #label: string;
  readonly #onAccept: ((flow: F) => void) | undefined;
  #flows: F[] = [];
  #waiters: ((result: AcceptResult<F>) => void)[] = [];
  #error: ListenError | undefined;

  constructor(options: AcceptQueueOptions<F>) {
    if (!Number.isInteger(options.limit) || options.limit < 1) {
      throw new TypeError(`AcceptQueue: limit must be an integer ≥ 1, got ${String(options.limit)}`);
    }
    this.#limit = options.limit;
    this.#label = options.label;
    this.#onAccept = options.onAccept;
  }

  /** Flows queued and not yet accepted. */
  get size(): number {
    return this.#flows.length;
  }

  /** Whether the queue holds `limit` flows (the next {@link AcceptQueue.push} is refused). */
  get full(): boolean {
    return this.#flows.length >= this.#limit;
  }

  /** Whether {@link AcceptQueue.close} or {@link AcceptQueue.fail} ran. */
  get ended(): boolean {
    return this.#error !== undefined;
  }

  /** Offers a new flow; false (flow untouched) when closed or full. */
  push(flow: F): boolean {
    if (this.#error !== undefined) return false;
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) {
      this.#onAccept?.(flow);
      waiter(ok(flow));
      return true;
    }
    if (this.#flows.length >= this.#limit) return false;
    this.#flows.push(flow);
    return true;
  }

  /** `Listener.accept`: the next flow, in arrival order; never rejects. */
  accept(): Promise<AcceptResult<F>> {
    const flow = this.#flows.shift();
    if (flow !== undefined) {
      this.#onAccept?.(flow);
      return Promise.resolve(ok(flow));
    }
    if (this.#error !== undefined) return Promise.resolve(err(this.#error));
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /**
   * Ends accepting: queued flows are aborted (their peers see the
   * connection torn down), pending and later accepts resolve `closed`.
   * Idempotent.
   */
  close(reason?: unknown): void {
    if (this.#error === undefined || this.#error.type !== 'closed') {
      this.#end({ type: 'closed', message: `listener on ${this.#label} is closed` });
    }
    const flows = this.#flows;
    this.#flows = [];
    for (const flow of flows)
      flow.abort(reason ?? new Error(`listener on ${this.#label} closed before accepting`));
  }

  /** The listener broke: queued flows stay acceptable, then every accept gets `error`. No-op once ended. */
  fail(error: ListenError): void {
    if (this.#error === undefined) this.#end(error);
  }

  #end(error: ListenError): void {
    this.#error = error;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve(err(error));
  }

  async *[Symbol.asyncIterator](): AsyncIterator<F> {
    for (;;) {
      const next = await this.accept();
      if (!next.ok) return;
      yield next.value;
    }
  }
}
