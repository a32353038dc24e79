import type { Socket } from 'node:net';
import type { SocketFlow } from '@flowkit/node-duplex';

/** A TCP endpoint: an IP address, a port and its family. */
export interface TcpAddress {
  /** The IP address (`127.0.0.1`, `::1`), or the host name when no IP is known yet. */
  readonly host: string;
  /** The port, 0–65535 (a bound port 0 shows the port the OS picked). */
  readonly port: number;
  /** `IPv4` or `IPv6`, as Node reports it. */
  readonly family: 'IPv4' | 'IPv6';
}

/**
 * A TCP flow: a {@link SocketFlow} whose `localAddress` and `remoteAddress`
 * are {@link TcpAddress}es, with `bytesRead`/`bytesWritten` counters.
 */
export type TcpFlow = SocketFlow<TcpAddress>;

/** `host:port`, with IPv6 literals in brackets, as used in error messages. */
export function formatTcpAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function family(value: string | undefined, host: string): 'IPv4' | 'IPv6' {
  if (value === 'IPv6' || value === 'IPv4') return value;
  return host.includes(':') ? 'IPv6' : 'IPv4';
}

/** The local and remote addresses of a connected socket. */
export function socketAddresses(
  socket: Socket,
  fallback: { host: string; port: number },
): { localAddress: TcpAddress; remoteAddress: TcpAddress } {
  const localHost = socket.localAddress ?? '';
  const remoteHost = socket.remoteAddress ?? fallback.host;
  return {
    localAddress: {
      host: localHost,
      port: socket.localPort ?? 0,
      family: family(socket.localFamily, localHost),
    },
    remoteAddress: {
      host: remoteHost,
      port: socket.remotePort ?? fallback.port,
      family: family(socket.remoteFamily, remoteHost),
    },
  };
}
