import type { ConnectError, ListenError, Listener, Result } from '@flowkit/flow-types';
import { AcceptQueue, func, integer, readOptions, timeout } from '@flowkit/kernel';
import {
  readTcpListenOptions,
  type TcpAddress,
  type TcpFlow,
  type TcpListenOptions,
  listen as tcpListen,
} from '@flowkit/tcp';
import type { TlsServerOptions } from './options.js';
import { planServer, type ServerPlan } from './plan.js';
import { runtimeRefusal } from './runtime.js';
import type { TlsFlow } from './tls-flow.js';
import { serverHandshake } from './wrap.js';

/** Default {@link TlsListenOptions.maxPending}. */
export const DEFAULT_MAX_PENDING = 128;

/**
 * How long a handshake may run before, with the listener full, a new
 * connection takes its place (or `handshakeTimeout`, if shorter). A client
 * sends its hello at once and a handshake takes a few round trips; a peer
 * that holds a slot longer while others wait is dropped first, so a few
 * silent connections cannot keep everyone out for `handshakeTimeout`.
 */
export const STALL_GRACE_MS = 1_000;

/** Options for {@link listen}: where to bind (as `@flowkit/tcp`) plus the TLS server options. */
export interface TlsListenOptions extends TcpListenOptions, Omit<TlsServerOptions, 'signal'> {
  /**
   * How long a client may take to finish its handshake, in milliseconds,
   * before its connection is dropped. Default 10 000.
   */
  readonly handshakeTimeout?: number;
  /**
   * Called with each failed handshake (bad client certificate, no common
   * version, timeout…). Such connections never reach `accept`. Default: ignored.
   */
  readonly onHandshakeError?: (error: ConnectError) => void;
  /**
   * Connections held before `accept` takes them: handshakes in progress
   * plus finished ones not yet accepted. At the bound the listener stops
   * taking TCP connections (they wait in the TCP listener's own bounded
   * queue, then in the kernel's backlog) until `accept` makes room or a
   * handshake ends; but once the oldest handshake has run longer than 1 s
   * (or `handshakeTimeout`, if shorter), the next
   * connection is taken and that handshake is dropped (reported to
   * `onHandshakeError` as `timeout`), so silent connections cannot hold the
   * listener. Finished flows are never dropped to make room. An integer
   * 1–65 535. Default 128.
   */
  readonly maxPending?: number;
}

const LISTEN_OPTIONS = {
  handshakeTimeout: timeout(),
  onHandshakeError: func<(error: ConnectError) => void>(),
  maxPending: integer({ min: 1, max: 65_535 }),
};

/**
 * A TLS listener: accepts TCP connections and hands out the ones whose
 * handshake succeeded. See {@link listen}.
 */
export class TlsListener implements Listener<TlsFlow, TcpAddress> {
  /** The bound TCP address (port 0 becomes the real port). */
  readonly address: TcpAddress;
  readonly #tcp: Listener<TcpFlow, TcpAddress>;
  readonly #plan: ServerPlan;
  readonly #timeoutMs: number;
  readonly #onError: ((error: ConnectError) => void) | undefined;
  readonly #maxPending: number;
  readonly #ready: AcceptQueue<TlsFlow>;
  /** Handshakes in progress, oldest first, with when each started (`performance.now()`). */
  readonly #handshakes = new Map<AbortController, number>();
  /** Wakes the accept loop when a pending connection leaves (accepted or failed). */
  #room: (() => void) | undefined;
  #closing: Promise<void> | undefined;

  /** @internal */
  constructor(
    tcp: Listener<TcpFlow, TcpAddress>,
    plan: ServerPlan,
    options: {
      handshakeTimeout: number | undefined;
      onHandshakeError: ((error: ConnectError) => void) | undefined;
      maxPending: number | undefined;
    },
  ) {
    this.#tcp = tcp;
    this.address = tcp.address;
    this.#plan = plan;
    this.#timeoutMs = options.handshakeTimeout ?? 10_000;
    this.#onError = options.onHandshakeError;
    this.#maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
    this.#ready = new AcceptQueue<TlsFlow>({
      limit: this.#maxPending,
      label: `TLS ${where(tcp.address)}`,
      onAccept: () => this.#wake(),
    });
    void this.#acceptLoop();
  }

  #wake(): void {
    const room = this.#room;
    this.#room = undefined;
    room?.();
  }

  async #acceptLoop(): Promise<void> {
    for (;;) {
      if (this.#full()) {
        const stalled = this.#stalledFor();
        if (stalled === undefined || stalled < 0) {
          await this.#roomOrStall(stalled === undefined ? undefined : -stalled);
          if (this.#closing !== undefined) return;
          continue;
        }
        // Full, and the oldest handshake has stalled past the grace: take the
        // next connection and drop that handshake to make room (below).
      }
      const next = await this.#tcp.accept();
      if (!next.ok) {
        // EMFILE and friends: the TCP listener is still bound; keep accepting.
        if (next.error.type !== 'closed') continue;
        void this.close();
        return;
      }
      if (this.#closing !== undefined) {
        next.value.abort();
        return;
      }
      if (this.#full()) this.#evictOldest();
      this.#handshake(next.value);
    }
  }

  /** How long a handshake may run before a full listener drops it for a new connection. */
  get #graceMs(): number {
    return Math.min(STALL_GRACE_MS, this.#timeoutMs);
  }

  #full(): boolean {
    return this.#handshakes.size + this.#ready.size >= this.#maxPending;
  }

  /** How long past the grace the oldest handshake has run (negative: not yet), or `undefined` when none runs. */
  #stalledFor(): number | undefined {
    const oldest = this.#handshakes.values().next();
    if (oldest.done) return undefined;
    return performance.now() - oldest.value - this.#graceMs;
  }

  /** Waits for room (an accept, a handshake ending, close), or `ms` at most. */
  async #roomOrStall(ms: number | undefined): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await new Promise<void>((resolve) => {
      this.#room = resolve;
      if (ms !== undefined) timer = setTimeout(() => this.#wake(), Math.ceil(ms));
    });
    clearTimeout(timer);
  }

  /** Drops the oldest handshake in progress: it is reported as timed out. */
  #evictOldest(): void {
    const oldest = this.#handshakes.keys().next();
    if (oldest.done) return;
    const controller = oldest.value;
    this.#handshakes.delete(controller);
    controller.abort(
      new DOMException(
        `TLS handshake was dropped to make room: it had not finished within ${this.#graceMs} ms while the listener held maxPending (${this.#maxPending}) connections`,
        'TimeoutError',
      ),
    );
  }

  #handshake(flow: TcpFlow): void {
    const controller = new AbortController();
    this.#handshakes.set(controller, performance.now());
    const timer = setTimeout(
      () =>
        controller.abort(
          new DOMException(`TLS handshake took longer than ${this.#timeoutMs} ms`, 'TimeoutError'),
        ),
      this.#timeoutMs,
    );
    void serverHandshake(flow, this.#plan, controller.signal).then((result) => {
      clearTimeout(timer);
      this.#handshakes.delete(controller);
      if (!result.ok) {
        this.#wake();
        try {
          this.#onError?.(result.error);
        } catch {
          // A throwing callback must not become an unhandled rejection or
          // stop the listener; the failed connection is already gone.
        }
        return;
      }
      // Refused only once closed: the loop keeps the count below the bound.
      if (!this.#ready.push(result.value)) result.value.abort(new Error('listener closed'));
    });
  }

  /**
   * The next flow whose handshake succeeded, in the order handshakes
   * finished. After {@link TlsListener.close}: `{ type: 'closed' }`.
   */
  accept(): Promise<Result<TlsFlow, ListenError>> {
    return this.#ready.accept();
  }

  /**
   * Stops accepting and releases the port. Accepted flows are left alone;
   * handshakes in progress and flows not yet accepted are aborted.
   * Idempotent; never rejects.
   */
  close(): Promise<void> {
    if (this.#closing === undefined) {
      this.#closing = this.#tcp.close();
      for (const c of this.#handshakes.keys()) c.abort(new Error('listener closed'));
      this.#ready.close(new Error('listener closed'));
      this.#wake();
    }
    return this.#closing;
  }

  /** Accepts until the listener is closed (the kernel's one `for await` behaviour). */
  [Symbol.asyncIterator](): AsyncIterator<TlsFlow> {
    return this.#ready[Symbol.asyncIterator]();
  }
}

function where(address: TcpAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/**
 * Binds a TCP port with `@flowkit/tcp` and runs {@link wrapServer} on every
 * connection, with one shared context (so session tickets resume). Only
 * flows whose handshake succeeded are returned by `accept`; at most
 * `maxPending` connections wait for it.
 *
 * Every option is checked before binding (`invalid-option`: missing
 * `cert`/`key`, a key that does not match, bad versions or ALPN…); then the
 * TCP listen errors (`in-use`, `permission`…). On a runtime tls cannot keep
 * its promises on: `unsupported-runtime`, before anything else. Never rejects.
 */
export async function listen(options: TlsListenOptions): Promise<Result<TlsListener, ListenError>> {
  const refused = runtimeRefusal();
  if (refused !== undefined) return { ok: false, error: refused };
  const tcp = readTcpListenOptions(options);
  if (!tcp.ok) return { ok: false, error: tcp.error };
  const own = readOptions(options, LISTEN_OPTIONS);
  if (!own.ok) return own;
  const planned = planServer(options);
  if (!planned.ok) return planned;
  const bound = await tcpListen(tcp.options);
  if (!bound.ok) return bound;
  return {
    ok: true,
    value: new TlsListener(bound.value, planned.value.plan, {
      handshakeTimeout: own.value.handshakeTimeout,
      onHandshakeError: own.value.onHandshakeError,
      maxPending: own.value.maxPending,
    }),
  };
}
