import type { ConnectError, ListenError, Listener, Result } from '@flowkit/flow-types';
import { checkTimeout, readOptions } from '@flowkit/node-duplex';
import {
  readTcpListenOptions,
  type TcpAddress,
  type TcpFlow,
  type TcpListenOptions,
  listen as tcpListen,
} from '@flowkit/tcp';
import { planServer, type ServerPlan, type TlsServerOptions } from './options.js';
import type { TlsFlow } from './tls-flow.js';
import { serverHandshake } from './wrap.js';

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
}

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
  readonly #ready: TlsFlow[] = [];
  readonly #waiters: ((r: Result<TlsFlow, ListenError>) => void)[] = [];
  readonly #handshakes = new Set<AbortController>();
  #state: 'open' | 'closed' = 'open';
  #closing: Promise<void> | undefined;

  /** @internal */
  constructor(
    tcp: Listener<TcpFlow, TcpAddress>,
    plan: ServerPlan,
    options: {
      handshakeTimeout: number | undefined;
      onHandshakeError: ((error: ConnectError) => void) | undefined;
    },
  ) {
    this.#tcp = tcp;
    this.address = tcp.address;
    this.#plan = plan;
    this.#timeoutMs = options.handshakeTimeout ?? 10_000;
    this.#onError = options.onHandshakeError;
    void this.#acceptLoop();
  }

  async #acceptLoop(): Promise<void> {
    for (;;) {
      const next = await this.#tcp.accept();
      if (!next.ok) {
        // EMFILE and friends: the TCP listener is still bound; keep accepting.
        if (next.error.type !== 'closed') continue;
        if (this.#state === 'open') void this.close();
        return;
      }
      if (this.#state !== 'open') {
        next.value.abort();
        return;
      }
      this.#handshake(next.value);
    }
  }

  #handshake(flow: TcpFlow): void {
    const controller = new AbortController();
    this.#handshakes.add(controller);
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
        try {
          this.#onError?.(result.error);
        } catch {
          // A throwing callback must not become an unhandled rejection or
          // stop the listener; the failed connection is already gone.
        }
        return;
      }
      if (this.#state !== 'open') {
        result.value.abort();
        return;
      }
      const waiter = this.#waiters.shift();
      if (waiter !== undefined) waiter({ ok: true, value: result.value });
      else this.#ready.push(result.value);
    });
  }

  /**
   * The next flow whose handshake succeeded, in the order handshakes
   * finished. After {@link TlsListener.close}: `{ type: 'closed' }`.
   */
  accept(): Promise<Result<TlsFlow, ListenError>> {
    const flow = this.#ready.shift();
    if (flow !== undefined) return Promise.resolve({ ok: true, value: flow });
    if (this.#state !== 'open') return Promise.resolve(closed(this.address));
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /**
   * Stops accepting and releases the port. Accepted flows are left alone;
   * handshakes in progress and flows not yet accepted are aborted.
   * Idempotent; never rejects.
   */
  close(): Promise<void> {
    if (this.#closing === undefined) {
      this.#state = 'closed';
      for (const c of this.#handshakes) c.abort(new Error('listener closed'));
      for (const f of this.#ready.splice(0)) f.abort(new Error('listener closed'));
      for (const w of this.#waiters.splice(0)) w(closed(this.address));
      this.#closing = this.#tcp.close();
    }
    return this.#closing;
  }

  /** Accepts until the listener is closed. */
  async *[Symbol.asyncIterator](): AsyncIterator<TlsFlow> {
    for (;;) {
      const r = await this.accept();
      if (!r.ok) return;
      yield r.value;
    }
  }
}

function closed(address: TcpAddress): Result<never, ListenError> {
  const where = address.host.includes(':')
    ? `[${address.host}]:${address.port}`
    : `${address.host}:${address.port}`;
  return { ok: false, error: { type: 'closed', message: `TLS listener on ${where} is closed` } };
}

/**
 * Binds a TCP port with `@flowkit/tcp` and runs {@link wrapServer} on every
 * connection, with one shared context (so session tickets resume). Only
 * flows whose handshake succeeded are returned by `accept`.
 *
 * Every option is checked before binding (`invalid-option`: missing
 * `cert`/`key`, a key that does not match, bad versions or ALPN…); then the
 * TCP listen errors (`in-use`, `permission`…). Never rejects.
 */
export async function listen(options: TlsListenOptions): Promise<Result<TlsListener, ListenError>> {
  // Each part is read once into a plain copy: caller code (getters, Proxies)
  // never runs after the checks, and never throws out of here.
  const tcp = readTcpListenOptions(options);
  if (!tcp.ok) return { ok: false, error: tcp.error };
  const own = readOptions(options, ['handshakeTimeout', 'onHandshakeError'] as const);
  if (!own.ok) return { ok: false, error: own.error };
  const t = own.options.handshakeTimeout;
  const badTimeout = checkTimeout(t, 'handshakeTimeout');
  if (badTimeout !== undefined) return { ok: false, error: badTimeout };
  const onHandshakeError = own.options.onHandshakeError;
  if (onHandshakeError !== undefined && typeof onHandshakeError !== 'function') {
    return {
      ok: false,
      error: {
        type: 'invalid-option',
        option: 'onHandshakeError',
        message: 'onHandshakeError must be a function',
      },
    };
  }
  const planned = planServer(options);
  if (!planned.ok) return { ok: false, error: planned.error };
  const bound = await tcpListen(tcp.options);
  if (!bound.ok) return bound;
  return {
    ok: true,
    value: new TlsListener(bound.value, planned.plan, {
      handshakeTimeout: t as number | undefined,
      onHandshakeError: onHandshakeError as ((error: ConnectError) => void) | undefined,
    }),
  };
}
