import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FromNodeDuplexOptions, SocketFlow, SocketFlowDescription } from '@flowkit/node-duplex';

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

/** `host` and `port` back from a label made by {@link formatTcpAddress}. */
function parseLabel(label: string): { host: string; port: number } | undefined {
  const colon = label.lastIndexOf(':');
  const port = Number(label.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port)) return undefined;
  const host = label.slice(0, colon);
  return { host: host.startsWith('[') ? host.slice(1, -1) : host, port };
}

/**
 * Describes a connected socket for `fromNodeDuplex`'s `describe`: its local
 * and remote addresses and the label naming the remote. Called once per
 * flow, on first use (an idle flow holds no address objects). If the handle
 * is already gone, Node knows no address: a dialed flow's `label` (the
 * address it dialed) stands in, and an accepted flow is labelled
 * `a client`.
 */
export function describeSocket(
  duplex: Duplex,
  options: FromNodeDuplexOptions<TcpAddress>,
): SocketFlowDescription<TcpAddress> {
  const socket = duplex as Socket;
  const localHost = socket.localAddress ?? '';
  const dialed =
    socket.remoteAddress === undefined && options.label !== undefined ? parseLabel(options.label) : undefined;
  const remoteHost = socket.remoteAddress ?? dialed?.host;
  const remotePort = socket.remotePort ?? dialed?.port ?? 0;
  return {
    localAddress: {
      host: localHost,
      port: socket.localPort ?? 0,
      family: family(socket.localFamily, localHost),
    },
    remoteAddress: {
      host: remoteHost ?? '',
      port: remotePort,
      family: family(socket.remoteFamily, remoteHost ?? ''),
    },
    label:
      options.label ?? (remoteHost === undefined ? 'a client' : formatTcpAddress(remoteHost, remotePort)),
  };
}
