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

/** What Node's `getpeername` fills in. */
interface PeerName {
  readonly address?: string | undefined;
  readonly port?: number | undefined;
  readonly family?: string | undefined;
}

/** The Node internals {@link peerName} reads (`net.js`). */
interface SocketInternals {
  readonly _peername?: PeerName | null;
  readonly _handle?: { getpeername?: (out: object) => number } | null;
}

/**
 * The remote's address, as `socket.remoteAddress`, `remotePort` and
 * `remoteFamily` would give it, but without their side effect: they cache
 * it on the socket as `_peername`, a property a socket that never asked
 * lacks, so the socket takes a hidden class of its own. Node's stream code
 * then meets more socket shapes than a plain socket shows it, its `_handle`
 * getter (`net.js`) goes megamorphic, and every read and write of every
 * socket pays. Falls back to the public getters if the handle has no
 * `getpeername`: Bun's handles lack it, and so would a Node that changed
 * its internals (`tcp.test.ts` checks that no `_peername` appears, so that
 * fails loudly there).
 */
function peerName(socket: Socket): PeerName {
  const internals = socket as unknown as SocketInternals;
  // Already cached by someone who asked Node: use it, as Node would. Bun
  // starts every socket with `_peername: null`, which caches nothing.
  const cached = internals._peername;
  if (cached !== undefined && cached !== null) return cached;
  const handle = internals._handle;
  if (handle === undefined || handle === null || socket.connecting) return {};
  if (typeof handle.getpeername !== 'function') {
    return { address: socket.remoteAddress, port: socket.remotePort, family: socket.remoteFamily };
  }
  const out: PeerName = {};
  // Non-zero is an errno (the socket is no longer connected): no address, as Node answers.
  return handle.getpeername(out) === 0 ? out : {};
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
  const peer = peerName(socket);
  const dialed =
    peer.address === undefined && options.label !== undefined ? parseLabel(options.label) : undefined;
  const remoteHost = peer.address ?? dialed?.host;
  const remotePort = peer.port ?? dialed?.port ?? 0;
  return {
    localAddress: {
      host: localHost,
      port: socket.localPort ?? 0,
      family: family(socket.localFamily, localHost),
    },
    remoteAddress: {
      host: remoteHost ?? '',
      port: remotePort,
      family: family(peer.family, remoteHost ?? ''),
    },
    label:
      options.label ?? (remoteHost === undefined ? 'a client' : formatTcpAddress(remoteHost, remotePort)),
  };
}
