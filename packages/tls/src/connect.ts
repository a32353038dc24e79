import type { ConnectError, Result } from '@flowkit/flow-types';
import { checkTcpConnectOptions, type TcpConnectOptions, connect as tcpConnect } from '@flowkit/tcp';
import { planClient, type TlsClientOptions } from './options.js';
import { type TlsFlow, wrapClient } from './wrap.js';

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

const TCP_KEYS = [
  'host',
  'port',
  'signal',
  'timeout',
  'localAddress',
  'localPort',
  'family',
  'noDelay',
  'keepAlive',
  'keepAliveInitialDelay',
  'readHighWaterMark',
] as const;

function tcpPart(options: TlsConnectOptions): TcpConnectOptions {
  const out: Record<string, unknown> = {};
  for (const k of TCP_KEYS) if (options[k] !== undefined) out[k] = options[k];
  return out as unknown as TcpConnectOptions;
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
  const tcpError = checkTcpConnectOptions(options);
  if (tcpError !== undefined) return { ok: false, error: tcpError };
  const tlsOptions: TlsClientOptions =
    options.host === undefined && options.servername === undefined
      ? { ...options, host: 'localhost' }
      : options;
  const planned = planClient(tlsOptions);
  if (!planned.ok) return { ok: false, error: planned.error };
  const dialed = await tcpConnect(tcpPart(options));
  if (!dialed.ok) return dialed;
  return wrapClient(dialed.value, tlsOptions);
}
