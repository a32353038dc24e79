import type { AddressInfo } from 'node:net';
import { err, type ListenError, type Result } from '@flowkit/flow-types';
import { type FromNodeDuplexOptions, fromNodeDuplex } from '@flowkit/node-duplex';
import { DEFAULT_MAX_PENDING, type ServerListener, serve } from '@flowkit/socket';
import { describeSocket, formatTcpAddress, type TcpAddress, type TcpFlow } from './address.js';
import { readTcpListenOptions, type TcpListenOptions } from './options.js';
import { listenRefusal } from './runtime.js';

/**
 * A TCP listener: a `Listener<TcpFlow, TcpAddress>` whose `address` is the
 * bound `{ host, port, family }` (port 0 → the port the OS picked).
 */
export type TcpListener = ServerListener<TcpFlow, TcpAddress>;

/**
 * Binds a TCP address and accepts flows on it. Resolves with a
 * {@link TcpListener} or a {@link ListenError} naming the address: `in-use`,
 * `permission`, `not-found` (an address this host does not have), `io`; bad
 * options are `invalid-option` before any I/O. Never rejects.
 *
 * Defaults: host `127.0.0.1` (loopback only), port 0, backlog 511,
 * `noDelay: true`. Accepted flows half-close for real.
 *
 * A connection nobody has accepted yet reads nothing (its data waits in the
 * OS); at most `backlog` such connections are held, and one more is refused
 * with an RST, so memory stays bounded whatever peers do.
 *
 * On Deno: `unsupported-runtime` at the call, before anything else (its
 * accepted sockets lose writes in flight when the peer's end-of-stream
 * arrives; see the README's Runtimes section). `connect` works there.
 */
export function listen(given: TcpListenOptions = {}): Promise<Result<TcpListener, ListenError>> {
  const refused = listenRefusal();
  if (refused !== undefined) return Promise.resolve(err(refused));
  // Read once: caller code (getters, Proxies) never runs after the checks.
  const read = readTcpListenOptions(given);
  if (!read.ok) return Promise.resolve(err(read.error));
  const { options } = read;
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const label = formatTcpAddress(host, port);
  let flowOptions: FromNodeDuplexOptions<TcpAddress> | undefined;
  return serve<TcpFlow, TcpAddress>(
    {
      noDelay: options.noDelay ?? true,
      keepAlive: options.keepAlive ?? false,
      keepAliveInitialDelay: options.keepAliveInitialDelay ?? 0,
    },
    {
      host,
      port,
      backlog: options.backlog ?? DEFAULT_MAX_PENDING,
      ipv6Only: options.ipv6Only ?? false,
    },
    {
      label,
      maxPending: Math.max(1, options.backlog ?? DEFAULT_MAX_PENDING),
      describe: (server) => {
        const info = server.address() as AddressInfo;
        return {
          host: info.address,
          port: info.port,
          family: info.family === 'IPv6' ? 'IPv6' : 'IPv4',
        };
      },
      wrap: (socket) => {
        // One options object for every flow of this listener: an idle
        // accepted flow holds nothing of its own but the flow itself. Its
        // label comes from its remote address, on first use.
        flowOptions ??= {
          describe: describeSocket,
          ...(options.readHighWaterMark === undefined
            ? {}
            : { readHighWaterMark: options.readHighWaterMark }),
        };
        return fromNodeDuplex<TcpAddress>(socket, flowOptions);
      },
    },
  );
}
