import type { ConnectError, Flow, ListenError, Listener, Result } from '@flowkit/flow-types';

/**
 * What a transport can do. Every capability defaults to `true`; declare
 * `false` honestly and the cases that need it are skipped, visibly, with the
 * reason in the test name.
 */
export interface FlowCapabilities {
  /**
   * `closeWrite()` (and `close()`) send end-of-stream while this end can
   * still read (TCP half-close, TLS close_notify). Without it the half-close
   * cases and the `closeWrite` cases that need a real half-close are skipped.
   *
   * A transport without native half-close still keeps two promises, and the
   * suite checks both: `closeWrite()` resolves with an error instead of
   * reporting a half-close that did not happen, and `close()` still waits for
   * the remote's `close()` before it resolves (unless
   * {@link FlowCapabilities.closeWaitsForRemote} is declared `false` too).
   */
  readonly halfClose?: boolean;
  /**
   * `close()` resolves only once the remote has closed too, so its `signal`
   * bounds a real wait. Declare `false` for a transport whose remote ends
   * the connection as soon as it reads end-of-stream, before its own
   * `close()` (a plain WebSocket peer answers a Close frame at once). Without
   * it the cases that check that `close()` waits, or that a `signal` cuts the
   * wait short, are skipped; `close()` must still resolve, flush what was
   * written before it and give the remote `EOF`.
   */
  readonly closeWaitsForRemote?: boolean;
  /**
   * The remote of an aborted flow reads an error (a reset), not a clean EOF.
   * Without it only "EOF or an error, and no hang" is required.
   */
  readonly abortSendsReset?: boolean;
  /**
   * A writer whose peer does not read eventually waits: the transport's
   * buffer is bounded. Without it the backpressure cases and the ones that
   * need a stalled write are skipped.
   */
  readonly backpressure?: boolean;
}

/** The name of one capability. */
export type FlowCapability = keyof FlowCapabilities;

/** What {@link flowConformance} takes. */
export interface FlowConformanceOptions {
  /** Prefix of every suite title, for example `tcp` or `tls over memory`. */
  readonly name: string;
  /**
   * Two freshly connected flows, `[dialer, acceptor]`. Called once per test
   * (and once per run of a property test); the suite aborts both ends when
   * the test is over, whatever happened.
   */
  readonly makePair: () => Promise<readonly [Flow, Flow]>;
  /** Runs after each test, after both flows were aborted: close listeners, remove temp files. */
  readonly cleanup?: () => Promise<void>;
  /** What the transport can do; every capability defaults to `true`. */
  readonly capabilities?: FlowCapabilities;
  /** Per-test timeout in milliseconds. Default `20_000`. */
  readonly timeoutMs?: number;
  /** {@inheritDoc LeakCheckOption.leakCheck} */
  readonly leakCheck?: boolean;
  /**
   * The most pairs one stress case may make in total. Cases that need more
   * (`stress/flows-1000-messages-1`) are skipped, with the reason in their
   * name: for a transport whose connection setup is expensive (a TLS
   * handshake per pair). Default: no limit.
   */
  readonly maxStressFlows?: number;
}

/** The opt-in leak check, an option of both suites. */
export interface LeakCheckOption {
  /**
   * Fails a case that leaves handles (sockets, servers, pipes, child
   * processes) or timers open once it ended and `cleanup` ran, after a grace
   * of 2 s for handles released on a later turn of the event loop. Counted
   * with `process.getActiveResourcesInfo()`; where the runtime lacks it, the
   * runners show a skipped "leak check (skipped: unavailable, …)" entry and
   * the cases run without it. Default `false`.
   */
  readonly leakCheck?: boolean;
}

/** What every flow case gets. */
export interface FlowCaseContext {
  /** The transport's capabilities, defaults filled in. */
  readonly capabilities: Required<FlowCapabilities>;
  /** How long one operation (a read, a write, a close) may take, in ms. */
  readonly opTimeoutMs: number;
  /** How long a whole transfer (MiBs, a thousand round trips) may take, in ms. */
  readonly transferTimeoutMs: number;
  /**
   * Makes a pair, runs `body` with it, then aborts both flows (whether or not
   * the body closed them) and awaits `cleanup`. A throw or rejection from
   * `makePair`, `abort` or `cleanup` fails the case with a clear message.
   */
  withPair<T>(body: (a: Flow, b: Flow) => Promise<T>): Promise<T>;
  /**
   * Like {@link FlowCaseContext.withPair} for `count` pairs: makes them one
   * after another, runs `body` with all of them, then aborts every flow and
   * awaits `cleanup` once.
   */
  withPairs<T>(count: number, body: (pairs: readonly (readonly [Flow, Flow])[]) => Promise<T>): Promise<T>;
}

/**
 * One conformance case as data: the suite registers it with vitest, and the
 * self-test runs `run` directly against deliberately broken flows.
 */
export interface FlowCase {
  /** Stable identifier, unique within its topic, for example `close-waits-for-remote`. */
  readonly id: string;
  /** The test name: the promise being checked. */
  readonly name: string;
  /** How many pairs the case makes in total, when more than one (stress cases); see `maxStressFlows`. */
  readonly flows?: number;
  /** Skipped (visibly) when the transport declares this capability (or one of these) `false`. */
  readonly requires?: FlowCapability | readonly FlowCapability[];
  /** Resolves when the transport kept the promise; throws a message saying how it broke it. */
  readonly run: (ctx: FlowCaseContext) => Promise<void>;
}

/** A group of cases registered as one `describe` block. */
export interface Topic<C> {
  /** Stable identifier, for example `close`. */
  readonly id: string;
  /** The `describe` title. */
  readonly title: string;
  /** The cases, in registration order. */
  readonly cases: readonly C[];
}

/** A group of flow cases. */
export type FlowTopic = Topic<FlowCase>;

/**
 * What a listener can do. Every capability defaults to `true`; declare
 * `false` honestly and the cases that need it are skipped, visibly, with the
 * reason in the test name.
 */
export interface ListenerCapabilities {
  /**
   * `close()` aborts the connections still queued with a reset, so their
   * dialers read an error, never a clean `EOF` (TCP RST; a WebSocket closed
   * without its closing handshake). Declare `false` where the transport has
   * no reset (a unix socket's aborted peer reads `EOF`): then
   * `accept-queue/close-resets-queued` is skipped and only
   * `accept-queue/close-aborts-queued` ("`EOF` or an error, and no hang")
   * holds the listener to it.
   */
  readonly abortSendsReset?: boolean;
}

/** The name of one listener capability. */
export type ListenerCapability = keyof ListenerCapabilities;

/**
 * What {@link listenerConformance} takes. `A` is the listener's address type
 * (`TcpAddress`, `{ name: string }`…), inferred from `listen`, so `connect`
 * and `listenAgain` read `listener.address` without a cast.
 */
export interface ListenerConformanceOptions<A = unknown> {
  /** Prefix of every suite title. */
  readonly name: string;
  /** Binds a fresh address (port 0, a new temp path, a unique name). */
  readonly listen: () => Promise<Result<Listener<Flow, A>, ListenError>>;
  /** Dials the address `listener` is bound to. */
  readonly connect: (listener: Listener<Flow, A>) => Promise<Result<Flow, ConnectError>>;
  /** Dials an address nobody listens on; must resolve a typed error. Cases skipped when absent. */
  readonly connectToNothing?: () => Promise<Result<Flow, ConnectError>>;
  /** Binds `listener`'s address again; must resolve `{ type: 'in-use' }` while it is live. Cases skipped when absent. */
  readonly listenAgain?: (listener: Listener<Flow, A>) => Promise<Result<Listener<Flow, A>, ListenError>>;
  /** Runs after each test, after every listener and flow the test opened was closed or aborted. */
  readonly cleanup?: () => Promise<void>;
  /** What the listener can do; every capability defaults to `true`. */
  readonly capabilities?: ListenerCapabilities;
  /** Per-test timeout in milliseconds. Default `20_000`. */
  readonly timeoutMs?: number;
  /** {@inheritDoc LeakCheckOption.leakCheck} */
  readonly leakCheck?: boolean;
}

/** What every listener case gets. */
export interface ListenerCaseContext {
  /** The options the transport passed in. */
  readonly options: ListenerConformanceOptions;
  /** How long one operation may take, in ms. */
  readonly opTimeoutMs: number;
  /**
   * Runs `body` with a `scope` that remembers every listener and flow the
   * case opens (through `scope.listen`, `scope.connect`, `scope.accept`, or
   * `scope.track`); afterwards aborts every flow, closes every listener and
   * awaits `cleanup`.
   */
  withScope<T>(body: (scope: ListenerScope) => Promise<T>): Promise<T>;
}

/** The resources a listener case opened, closed for it when it ends. */
export interface ListenerScope {
  /** `options.listen()`, failing the case unless it is `ok`. */
  listen(): Promise<Listener<Flow>>;
  /** `options.connect(listener)`, failing the case unless it is `ok`. */
  connect(listener: Listener<Flow>): Promise<Flow>;
  /** `listener.accept()`, failing the case unless it is `ok`. */
  accept(listener: Listener<Flow>): Promise<Flow>;
  /** Remembers a flow or listener obtained another way, so it is closed at the end. */
  track<T extends Flow | Listener<Flow>>(resource: T): T;
}

/** One listener case as data; see {@link FlowCase}. */
export interface ListenerCase {
  /** Stable identifier, unique within its topic. */
  readonly id: string;
  /** The test name. */
  readonly name: string;
  /**
   * Skipped (visibly) when the transport did not pass this option, or
   * declares this capability `false`.
   */
  readonly requires?: 'connectToNothing' | 'listenAgain' | ListenerCapability;
  /** Resolves when the transport kept the promise; throws otherwise. */
  readonly run: (ctx: ListenerCaseContext) => Promise<void>;
}

/** A group of listener cases. */
export type ListenerTopic = Topic<ListenerCase>;
