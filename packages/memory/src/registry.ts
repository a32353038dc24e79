import {
  type ConnectError,
  err,
  type ListenError,
  type Listener,
  ok,
  type Result,
} from '@flowkit/flow-types';
import { AcceptQueue, integer, invalidOption, readOptions, signal, text } from '@flowkit/kernel';
import type { MemoryFlow } from './flow.js';
import { guarded } from './guarded.js';
import {
  CONNECTION_OPTIONS,
  type ConnectionOptions,
  type ConnectionPlan,
  connectionPlan,
} from './options.js';
import { makePair } from './pair.js';

/** Connections a memory listener holds before anyone accepts them, by default. */
export const DEFAULT_BACKLOG = 511;

/** The address of a memory listener. */
export interface MemoryAddress {
  /** The name it listens on. */
  readonly name: string;
}

/** Options for {@link listen}. */
export interface ListenOptions extends ConnectionOptions {
  /**
   * The name to listen on; any non-empty string without a NUL character.
   * Names live in one registry per JavaScript realm (shared by every copy
   * of this package), so two listeners cannot hold the same name at once.
   * Required.
   */
  readonly name: string;
  /**
   * Connections held before anyone accepts them; `connect` beyond that is
   * `refused`. An integer from 1 to 65535. Default `511` (as Node's `net`).
   */
  readonly backlog?: number;
}

/** Options for {@link connect}. */
export interface ConnectOptions {
  /** The name a listener listens on; a non-empty string without NUL. Required. */
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
  dial(): Result<MemoryFlow, ConnectError>;
}

// Versioned: an entry's shape changed in v2 (dial returns a Result), and a
// copy of another version must not call a dial it does not understand.
const REGISTRY = Symbol.for('@flowkit/memory/registry/v2');

function registry(): Map<string, Entry> {
  const holder = globalThis as { [REGISTRY]?: Map<string, Entry> };
  holder[REGISTRY] ??= new Map();
  return holder[REGISTRY];
}

const quoted = (name: string) => JSON.stringify(name);

/** The listener behind a name; registered until closed. */
class NamedListener implements MemoryListener, Entry {
  readonly address: MemoryAddress;
  readonly #plan: ConnectionPlan;
  readonly #accepts: AcceptQueue<MemoryFlow>;
  #dialed = 0;

  constructor(name: string, plan: ConnectionPlan, backlog: number) {
    this.address = Object.freeze({ name });
    this.#plan = plan;
    this.#accepts = new AcceptQueue({ limit: backlog, label: `memory name ${quoted(name)}` });
  }

  /** Makes a connection: queues the accepting end, returns the dialing end. */
  dial(): Result<MemoryFlow, ConnectError> {
    const name = this.address.name;
    if (this.#accepts.full) {
      return err({
        type: 'refused',
        message: `memory listener ${quoted(name)} has a full backlog of connections nobody accepted`,
      });
    }
    this.#dialed += 1;
    const [dialer, acceptor] = makePair(this.#plan, { dialer: `${name}#${this.#dialed}`, acceptor: name });
    this.#accepts.push(acceptor);
    return ok(dialer);
  }

  /** The next queued connection, in dial order; `closed` after {@link NamedListener.close}. */
  accept(): Promise<Result<MemoryFlow, ListenError>> {
    return this.#accepts.accept();
  }

  /** Frees the name, fails waiting accepts, aborts the backlog; accepted flows are untouched. */
  close(): Promise<void> {
    const names = registry();
    if (names.get(this.address.name) === this) names.delete(this.address.name);
    this.#accepts.close();
    return Promise.resolve();
  }

  /** Accepts until the listener is closed. */
  [Symbol.asyncIterator](): AsyncIterator<MemoryFlow> {
    return this.#accepts[Symbol.asyncIterator]();
  }
}

const LISTEN_OPTIONS = guarded({
  name: text({ nonEmpty: true }),
  ...CONNECTION_OPTIONS,
  backlog: integer({ min: 1, max: 65535 }),
});

const CONNECT_OPTIONS = guarded({ name: text({ nonEmpty: true }), signal: signal() });

const nameRequired = () => err(invalidOption('name', 'must be a non-empty string, got undefined'));

/**
 * Listens on an in-process `name`. Every `connect({ name })` makes a new
 * connection with this listener's `capacity` and `faults` (each connection
 * starts its fault streams from the same seed). Connections queue until
 * accepted, in order, up to `backlog`.
 *
 * Errors: `invalid-option` for a bad option (`option` names it), `in-use`
 * when a listener already holds the name. `close()` frees the name, aborts
 * connections not yet accepted (their dialers read `reset`) and leaves
 * accepted ones alone. Never rejects, never throws.
 *
 * @example
 * ```ts
 * const listening = await listen({ name: 'db' });
 * if (listening.ok) for await (const flow of listening.value) serve(flow);
 * ```
 */
export function listen(options: ListenOptions): Promise<Result<MemoryListener, ListenError>> {
  const read = readOptions(options, LISTEN_OPTIONS);
  if (!read.ok) return Promise.resolve(read);
  const { name, backlog = DEFAULT_BACKLOG } = read.value;
  if (name === undefined) return Promise.resolve(nameRequired());
  const plan = connectionPlan(read.value);
  if (!plan.ok) return Promise.resolve(plan);
  const names = registry();
  if (names.has(name)) {
    return Promise.resolve(
      err({ type: 'in-use', message: `memory name ${quoted(name)} is already being listened on` }),
    );
  }
  const listener = new NamedListener(name, plan.value, backlog);
  names.set(name, listener);
  return Promise.resolve(ok(listener));
}

/**
 * Dials the listener on `name`. Resolves at once: the connection is queued
 * on the listener until it accepts it, and data can be written meanwhile
 * (up to the capacity).
 *
 * Errors: `refused` when nothing listens on the name or its backlog is
 * full (the message says which), `aborted` when `signal` has already
 * fired, `invalid-option` for a bad option. Never rejects, never throws.
 */
export function connect(options: ConnectOptions): Promise<Result<MemoryFlow, ConnectError>> {
  const read = readOptions(options, CONNECT_OPTIONS);
  if (!read.ok) return Promise.resolve(read);
  const { name, signal: cancel } = read.value;
  if (name === undefined) return Promise.resolve(nameRequired());
  let fired: { readonly reason: unknown } | undefined;
  try {
    if (cancel?.aborted) fired = { reason: cancel.reason };
  } catch (cause) {
    // A signal-shaped object whose getters throw on a second look.
    return Promise.resolve(err(invalidOption('signal', 'could not be read: reading it threw', cause)));
  }
  if (fired !== undefined) {
    return Promise.resolve(
      err({
        type: 'aborted',
        message: `connect to memory name ${quoted(name)} was aborted`,
        cause: fired.reason,
      }),
    );
  }
  const entry = registry().get(name);
  if (entry === undefined) {
    return Promise.resolve(
      err({ type: 'refused', message: `nothing listens on memory name ${quoted(name)}` }),
    );
  }
  return Promise.resolve(entry.dial());
}
