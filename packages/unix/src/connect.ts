import { type ConnectError, err, type Result } from '@flowkit/flow-types';
import { fromNodeDuplex } from '@flowkit/node-duplex';
import { dial } from '@flowkit/socket';
import { formatUnixAddress, netPath, type UnixAddress, type UnixFlow } from './address.js';
import { readConnectOptions, type UnixConnectOptions } from './options.js';

/**
 * Dials a unix socket by `path` or abstract `name`. Resolves with a
 * connected {@link UnixFlow} or a {@link ConnectError} naming the address:
 * `refused` (a stale socket file, an abstract name nobody listens on),
 * `not-found` (no such file), `permission`, `timeout`, `aborted`, `io`; bad
 * options are `invalid-option` before any I/O. Never rejects.
 */
export function connect(given: UnixConnectOptions): Promise<Result<UnixFlow, ConnectError>> {
  // Read once: caller code (getters, Proxies) never runs after the checks.
  const read = readConnectOptions(given);
  if (!read.ok) return Promise.resolve(err(read.error));
  const { options, target } = read;
  const label = formatUnixAddress(target);
  return dial(
    { path: netPath(target) },
    { label, signal: options.signal, timeout: options.timeout },
    (socket) =>
      fromNodeDuplex<UnixAddress | undefined>(socket, {
        localAddress: undefined,
        remoteAddress: target,
        label,
        ...(options.readHighWaterMark === undefined ? {} : { readHighWaterMark: options.readHighWaterMark }),
      }),
  );
}
