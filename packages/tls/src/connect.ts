import type { ConnectError, Result } from '@flowkit/flow-types';
import { readTcpConnectOptions, type TcpConnectOptions, connect as tcpConnect } from '@flowkit/tcp';
import type { TlsClientOptions } from './options.js';
import { planClient } from './plan.js';
import { runtimeRefusal } from './runtime.js';
import type { TlsFlow } from './tls-flow.js';
import { clientHandshake } from './wrap.js';

/** Options for {@link connect}: where to dial (as `@flowkit/tcp`) plus the TLS client options. */
export interface TlsConnectOptions extends TcpConnectOptions, TlsClientOptions {
  /**
   * Host name or IP address to dial, and (without `servername`) the name the
   * certificate must carry. Default `'localhost'`.
   */
  readonly host?: string;
  /** Cancels the dial or the handshake, whichever is running: `{ type: 'aborted' }`. */
  readonly signal?: AbortSignal;
  /**
   * Bounds the TCP connect and the TLS handshake together, in milliseconds:
   * a server that accepts TCP and then never answers gets `{ type:
   * 'timeout' }` once it runs out, and the connection is dropped. Default:
   * no limit (the OS's own for the connect).
   */
  readonly timeout?: number;
}

/**
 * Dials TCP with `@flowkit/tcp` and runs {@link wrapClient} over that flow.
 * The TLS layer is the only owner of the connection: it sits on the TCP
 * flow, not on the socket, so abort tears each layer down once, and the TCP
 * flow's end-of-stream is seen separately from close_notify (truncation is
 * reported).
 *
 * Every option is checked before any I/O (`invalid-option`). Then: the TCP
 * errors of `@flowkit/tcp` (`refused`…), `timeout` (the `timeout` option
 * bounds connect and handshake together), `certificate`, `handshake` or
 * `aborted`. On a runtime tls cannot keep its promises on:
 * `unsupported-runtime`, before anything else. Never rejects.
 */
export async function connect(options: TlsConnectOptions): Promise<Result<TlsFlow, ConnectError>> {
  const refused = runtimeRefusal();
  if (refused !== undefined) return { ok: false, error: refused };
  // Each part is read once into a plain copy: caller code (getters, Proxies)
  // never runs after the checks, and never throws out of here.
  const tcp = readTcpConnectOptions(options);
  if (!tcp.ok) return { ok: false, error: tcp.error };
  const planned = planClient(options, 'localhost');
  if (!planned.ok) return { ok: false, error: planned.error };
  const { timeout, ...dialOptions } = tcp.options;
  if (timeout === undefined) {
    const dialed = await tcpConnect(dialOptions);
    if (!dialed.ok) return dialed;
    return clientHandshake(dialed.value, planned.value.plan, planned.value.signal);
  }
  // One deadline for dial and handshake: a TimeoutError reason is reported
  // as 'timeout' by the handshake; the dial's 'aborted' is mapped below.
  const deadline = new AbortController();
  const timer = setTimeout(
    () =>
      deadline.abort(
        new DOMException(
          `TLS connect took longer than ${timeout} ms (TCP connect and handshake)`,
          'TimeoutError',
        ),
      ),
    timeout,
  );
  const user = planned.value.signal;
  const onUserAbort = (): void => deadline.abort(user?.reason);
  if (user?.aborted) onUserAbort();
  else user?.addEventListener('abort', onUserAbort, { once: true });
  try {
    const dialed = await tcpConnect({ ...dialOptions, signal: deadline.signal });
    if (!dialed.ok) {
      const timedOut =
        dialed.error.type === 'aborted' &&
        (deadline.signal.reason as { name?: unknown })?.name === 'TimeoutError';
      if (!timedOut) return dialed;
      return {
        ok: false,
        error: {
          type: 'timeout',
          message: dialed.error.message.replace('was aborted', `timed out after ${timeout} ms`),
        },
      };
    }
    return await clientHandshake(dialed.value, planned.value.plan, deadline.signal);
  } finally {
    clearTimeout(timer);
    user?.removeEventListener('abort', onUserAbort);
  }
}
