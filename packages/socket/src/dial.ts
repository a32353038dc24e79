import { type NetConnectOpts, Socket } from 'node:net';
import { type ConnectError, err, ok, type Result } from '@flowkit/flow-types';
import { connectErrorFromNode } from './errors.js';
import { nodeOptions, SOCKET_KEYS } from './node-options.js';

/** How {@link dial} bounds and describes one connection attempt. */
export interface DialContext {
  /** Names the address in error messages, e.g. `127.0.0.1:8080` or `/run/app.sock`. */
  readonly label: string;
  /** Cancels the attempt: resolves `{ type: 'aborted' }` and destroys the socket. */
  readonly signal?: AbortSignal | undefined;
  /** Gives up after this many milliseconds: `{ type: 'timeout' }`. Default: no limit. */
  readonly timeout?: number | undefined;
}

/**
 * Opens a `net` connection (with `allowHalfOpen`) and, once connected, hands
 * the socket to `wrap` synchronously, so no event can slip between connect
 * and the adapter's listeners. Every failure is a {@link ConnectError} value;
 * on failure the socket is destroyed. Shared by tcp, unix and tls.
 */
export function dial<F>(
  options: NetConnectOpts,
  context: DialContext,
  wrap: (socket: Socket) => F,
): Promise<Result<F, ConnectError>> {
  const { label, signal, timeout } = context;
  if (signal?.aborted) {
    return Promise.resolve(
      err({ type: 'aborted', message: `connecting to ${label} was aborted`, cause: signal.reason }),
    );
  }
  return new Promise((resolve) => {
    // What net.connect() does, in two steps so that a throw still leaves us
    // the socket (with its handle) to destroy. Neither step may find an
    // option on Object.prototype: see nodeOptions.
    const socket = new Socket(nodeOptions(SOCKET_KEYS, { ...options, allowHalfOpen: true }));
    try {
      socket.connect(nodeOptions([], options));
    } catch (error) {
      // node:net validates some options by throwing (a bad localAddress is
      // ERR_INVALID_IP_ADDRESS); Deno throws NotCapable without --allow-net.
      // A result either way, never a rejection.
      socket.destroy();
      resolve(err(connectErrorFromNode(error, label)));
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = (): void => {
      socket.off('connect', onConnect);
      socket.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
      if (timer !== undefined) clearTimeout(timer);
    };
    const fail = (error: ConnectError): void => {
      done();
      // Late errors from the torn-down socket must not become uncaught.
      socket.on('error', () => {});
      socket.destroy();
      resolve(err(error));
    };
    const onConnect = (): void => {
      done();
      resolve(ok(wrap(socket)));
    };
    const onError = (error: unknown): void => fail(connectErrorFromNode(error, label));
    const onAbort = (): void =>
      fail({ type: 'aborted', message: `connecting to ${label} was aborted`, cause: signal?.reason });
    socket.once('connect', onConnect);
    socket.once('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeout !== undefined) {
      timer = setTimeout(
        () => fail({ type: 'timeout', message: `connecting to ${label} timed out after ${timeout} ms` }),
        timeout,
      );
    }
  });
}
