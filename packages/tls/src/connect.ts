import type { ConnectError, Result } from '@flowkit/flow-types';
import { readTcpConnectOptions, type TcpConnectOptions, connect as tcpConnect } from '@flowkit/tcp';
import { planClient, type TlsClientOptions } from './options.js';
import { clientHandshake, type TlsFlow } from './wrap.js';

/** Options for {@link connect}: where to dial (as `@flowkit/tcp`) plus the TLS client options. */
export interface TlsConnectOptions extends TcpConnectOptions, TlsClientOptions {
  /**
   * Host name or IP address to dial, and (without `servername`) the name the
   * certificate must carry. Default `'localhost'`.
   */
  readonly host?: string;
  /** Cancels the dial or the handshake, whichever is running: `{ type: 'aborted' }`. */
  readonly signal?: AbortSignal;
}

/**
 * Dials TCP with `@flowkit/tcp` and runs {@link wrapClient} over that flow.
 * The TLS layer is the only owner of the connection: it sits on the TCP
 * flow, not on the socket, so abort tears each layer down once, and the TCP
 * flow's end-of-stream is seen separately from close_notify (truncation is
 * reported).
 *
 * Every option is checked before any I/O (`invalid-option`). Then: the TCP
 * errors of `@flowkit/tcp` (`refused`, `timeout`…), `certificate`,
 * `handshake` or `aborted`. Never rejects.
 */
export async function connect(options: TlsConnectOptions): Promise<Result<TlsFlow, ConnectError>> {
  // Each part is read once into a plain copy: caller code (getters, Proxies)
  // never runs after the checks, and never throws out of here.
  const tcp = readTcpConnectOptions(options);
  if (!tcp.ok) return { ok: false, error: tcp.error };
  const planned = planClient(options, 'localhost');
  if (!planned.ok) return { ok: false, error: planned.error };
  const dialed = await tcpConnect(tcp.options);
  if (!dialed.ok) return dialed;
  return clientHandshake(dialed.value, planned.plan, planned.signal);
}
