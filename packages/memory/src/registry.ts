import type { ConnectError } from '@flowkit/flow-types';
import {
  err,
  type InvalidOptionError,
  type ListenError,
  type Listener,
  ok,
  type Result,
} from '@flowkit/flow-types';
import { type ConnectionOptions, type ConnectionPlan, checkConnectionOptions } from './options.js';
import { type MemoryFlow, makePair } from './pair.js';
import { Queue } from './queue.js';

/** The address of a memory listener. */
export interface MemoryAddress {
  /** The name it listens on. */
  readonly name: string;
}

/** Options for {@link listen}. */
export interface ListenOptions extends ConnectionOptions {
  /**
   * The name to listen on; any non-empty string. Names live in one registry
   * per JavaScript realm (shared by every copy of this package), so two
   * listeners cannot hold the same name at once.
   */
  readonly name: string;
}

/** Options for {@link connect}. */
export interface ConnectOptions {
  /** The name a listener listens on. */
  readonly name: string;
  /**
   * Cancels the dial. A memory dial completes at once, so only a signal that
   * has already fired has an effect: `{ type: 'aborted' }`.
   */
  readonly signal?: AbortSignal;
}

/** A listener on a memory name. See {@link listen}. */
export type MemoryListener = Listener<MemoryFlow, MemoryAddress>;

/**
 * What the registry holds: just enough for any copy of this package to dial
 * it, so nothing depends on class identity.
 */
interface Entry {
  dial(): MemoryFlow;
}

const REGISTRY = Symbol.for('@flowkit/memory/registry');

function registry(): Map<string, Entry> {
  const holder = globalThis as { [REGISTRY]?: Map<string, Entry> };
  holder[REGISTRY] ??= new Map();
  return holder[REGISTRY];
}

function checkName(name: unknown): InvalidOptionError | undefined {
  if (typeof name === 'string' && name.length > 0) return undefined;
  const shown = typeof name === 'string' ? 'an empty string' : typeof name;
  return { type: 'invalid-option', option: 'name', message: `name must be a non-empty string, got ${shown}` };
}

/** The listener behind a name; registered until closed. */
class NamedListener implements MemoryListener, Entry {
  readonly address: MemoryAddress;
  #state: 'listening' | 'closed' = 'listening';
  readonly #plan: ConnectionPlan;
  readonly #backlog = new Queue<MemoryFlow>();
  readonly #waiting = new Queue<(result: Result<MemoryFlow, ListenError>) => void>();
  #dialed = 0;

  constructor(name: string, plan: ConnectionPlan) {
    this.address = Object.freeze({ name });
    this.#plan = plan;
  }

  /** Makes a connection: queues the accepting end, returns the dialing end. */
  dial(): MemoryFlow {
    this.#dialed += 1;
    const name = this.address.name;
    const [dialer, acceptor] = makePair(this.#plan, { dialer: `${name}#${this.#dialed}`, acceptor: name });
    const waiter = this.#waiting.shift();
    if (waiter !== undefined) waiter(ok(acceptor));
    else this.#backlog.push(acceptor);
    return dialer;
  }

  /** The next queued connection, in dial order; `closed` after {@link NamedListener.close}. */
  accept(): Promise<Result<MemoryFlow, ListenError>> {
    if (this.#state === 'closed') return Promise.resolve(this.#closedResult());
    const queued = this.#backlog.shift();
    if (queued !== undefined) return Promise.resolve(ok(queued));
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Frees the name, fails waiting accepts, aborts the backlog; accepted flows are untouched. */
  close(): Promise<void> {
    if (this.#state === 'closed') return Promise.resolve();
    this.#state = 'closed';
    const names = registry();
    if (names.get(this.address.name) === this) names.delete(this.address.name);
    const closed = this.#closedResult();
    for (const waiter of this.#waiting.drain()) waiter(closed);
    for (const flow of this.#backlog.drain()) flow.abort(new Error(`listener ${this.address.name} closed`));
    return Promise.resolve();
  }

  /** Accepts until the listener is closed. */
  async *[Symbol.asyncIterator](): AsyncIterator<MemoryFlow> {
    for (;;) {
      const next = await this.accept();
      if (!next.ok) return;
      yield next.value;
    }
  }

  #closedResult(): Result<MemoryFlow, ListenError> {
    return err({ type: 'closed', message: `memory listener ${JSON.stringify(this.address.name)} is closed` });
  }
}

/** `listen`/`connect` take one options object; anything else is `invalid-option`. */
function checkOptionsShape(options: unknown, call: string): InvalidOptionError | undefined {
  if (typeof options === 'object' && options !== null) return undefined;
  return {
    type: 'invalid-option',
    option: 'options',
    message: `${call} needs an options object such as { name: 'db' }, got ${options === null ? 'null' : typeof options}`,
  };
}

/**
 * Listens on an in-process `name`. Every `connect({ name })` makes a new
 * connection with this listener's `capacity` and `faults` (each connection
 * starts its fault streams from the same seed). Connections queue until
 * accepted, in order, without limit.
 *
 * Errors: `invalid-option` for an empty name or a bad capacity/fault
 * option; `in-use` when a listener already holds the name. `close()` frees
 * the name, aborts connections not yet accepted (their dialers read
 * `reset`) and leaves accepted ones alone.
 *
 * @example
 * ```ts
 * const listening = await listen({ name: 'db' });
 * if (listening.ok) for await (const flow of listening.value) serve(flow);
 * ```
 */
export function listen(options: ListenOptions): Promise<Result<MemoryListener, ListenError>> {
  const badOptions = checkOptionsShape(options, 'listen');
  if (badOptions !== undefined) return Promise.resolve(err(badOptions));
  const badName = checkName(options.name);
  if (badName !== undefined) return Promise.resolve(err(badName));
  const plan = checkConnectionOptions(options);
  if ('type' in plan) return Promise.resolve(err(plan));
  const names = registry();
  if (names.has(options.name)) {
    return Promise.resolve(
      err({
        type: 'in-use',
        message: `memory name ${JSON.stringify(options.name)} is already being listened on`,
      }),
    );
  }
  const listener = new NamedListener(options.name, plan);
  names.set(options.name, listener);
  return Promise.resolve(ok(listener));
}

/**
 * Dials the listener on `name`. Resolves at once: the connection is queued
 * on the listener until it accepts it, and data can be written meanwhile
 * (up to the capacity).
 *
 * Errors: `refused` when nothing listens on the name (the message names
 * it), `aborted` when `signal` has already fired, `invalid-option` for an
 * empty name. Never rejects.
 */
export function connect(options: ConnectOptions): Promise<Result<MemoryFlow, ConnectError>> {
  const badOptions = checkOptionsShape(options, 'connect');
  if (badOptions !== undefined) return Promise.resolve(err(badOptions));
  const badName = checkName(options.name);
  if (badName !== undefined) return Promise.resolve(err(badName));
  const signal = options.signal as unknown;
  if (
    signal !== undefined &&
    (typeof signal !== 'object' ||
      signal === null ||
      typeof (signal as AbortSignal).aborted !== 'boolean' ||
      typeof (signal as AbortSignal).addEventListener !== 'function')
  ) {
    return Promise.resolve(
      err({ type: 'invalid-option', option: 'signal', message: 'signal must be an AbortSignal' }),
    );
  }
  if ((signal as AbortSignal | undefined)?.aborted) {
    return Promise.resolve(
      err({
        type: 'aborted',
        message: `connect to memory name ${JSON.stringify(options.name)} was aborted`,
        cause: (signal as AbortSignal).reason,
      }),
    );
  }
  const entry = registry().get(options.name);
  if (entry === undefined) {
    return Promise.resolve(
      err({ type: 'refused', message: `nothing listens on memory name ${JSON.stringify(options.name)}` }),
    );
  }
  return Promise.resolve(ok(entry.dial()));
}
