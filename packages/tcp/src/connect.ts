import { type ConnectError, err, type Result } from '@flowkit/flow-types';
import { type FromNodeDuplexOptions, fromNodeDuplex } from '@flowkit/node-duplex';
import { dial } from '@flowkit/socket';
import { describeSocket, formatTcpAddress, type TcpAddress, type TcpFlow } from './address.js';
import { readTcpConnectOptions, type TcpConnectOptions } from './options.js';

/**
 * Dials a TCP address. Resolves with a connected {@link TcpFlow}, or a
 * {@link ConnectError} naming the address: `refused`, `unreachable`,
 * `timeout`, `not-found` (DNS), `permission`, `aborted` (the `signal`),
 * `reset`, `io`; bad options are `invalid-option` before any I/O. Never
 * rejects.
 *
 * The flow half-closes for real (`allowHalfOpen`), `abort()` sends an RST,
 * and `noDelay` defaults to `true`.
 */
export function connect(given: TcpConnectOptions): Promise<Result<TcpFlow, ConnectError>> {
  // Read once: caller code (getters, Proxies) never runs after the checks.
  const read = readTcpConnectOptions(given);
  if (!read.ok) return Promise.resolve(err(read.error));
  const { options } = read;
  const host = options.host ?? 'localhost';
  const { port } = options;
  const label = formatTcpAddress(host, port);
  const noDelay = options.noDelay ?? true;
  const keepAlive = options.keepAlive ?? false;
  return dial(
    {
      host,
      port,
      noDelay,
      keepAlive,
      keepAliveInitialDelay: options.keepAliveInitialDelay ?? 0,
      ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
      ...(options.localPort === undefined ? {} : { localPort: options.localPort }),
      ...(options.family === undefined ? {} : { family: options.family }),
    },
    { label, signal: options.signal, timeout: options.timeout },
    (socket) => fromNodeDuplex<TcpAddress>(socket, flowOptions(label, options.readHighWaterMark)),
  );
}

// The options of the last dial, shared with the next dial to the same
// address: a pool of connections to one server holds one options object,
// not one (and a label string) per idle flow.
let lastFlowOptions: FromNodeDuplexOptions<TcpAddress> | undefined;

function flowOptions(
  label: string,
  readHighWaterMark: number | undefined,
): FromNodeDuplexOptions<TcpAddress> {
  const last = lastFlowOptions;
  if (last !== undefined && last.label === label && last.readHighWaterMark === readHighWaterMark) return last;
  lastFlowOptions = {
    // The dialed address: it also stands in if the handle is gone before
    // the addresses were first needed.
    label,
    describe: describeSocket,
    ...(readHighWaterMark === undefined ? {} : { readHighWaterMark }),
  };
  return lastFlowOptions;
}
