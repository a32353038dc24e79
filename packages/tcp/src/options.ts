import { isIP } from 'node:net';
import { err, type InvalidOptionError, ok } from '@flowkit/flow-types';
import {
  boolean,
  host,
  integer,
  invalidOption,
  type OptionReader,
  oneOf,
  port,
  readOptions,
  show,
  signal,
  timeout,
} from '@flowkit/kernel';

/** Socket tuning shared by `connect` and `listen` (applied to every flow). */
export interface TcpSocketOptions {
  /**
   * Disables Nagle's algorithm, so small writes go out at once instead of
   * waiting up to one round trip to be merged. Default `true` (like Go;
   * Node's own default is `false`).
   */
  readonly noDelay?: boolean;
  /** Sends TCP keep-alive probes on an idle connection. Default `false`. */
  readonly keepAlive?: boolean;
  /**
   * Idle time before the first keep-alive probe, in milliseconds; `0` keeps
   * the OS default. Only used with `keepAlive: true`. Default `0`.
   */
  readonly keepAliveInitialDelay?: number;
  /**
   * Received-but-unread bytes above which the socket is paused (the remote
   * then waits), in bytes. Default 65 536.
   */
  readonly readHighWaterMark?: number;
}

/** Options for `connect`. */
export interface TcpConnectOptions extends TcpSocketOptions {
  /** Host name or IP address to dial. Default `'localhost'` (as Node). */
  readonly host?: string;
  /** Port to dial, 1–65535. Required. */
  readonly port: number;
  /** Cancels the attempt: `{ type: 'aborted' }`. */
  readonly signal?: AbortSignal;
  /** Gives up after this many milliseconds: `{ type: 'timeout' }`. Default: the OS's own limit. */
  readonly timeout?: number;
  /** Local IP address to dial from (an IP literal, not a host name). Default: chosen by the OS. */
  readonly localAddress?: string;
  /** Local port to dial from, 1–65535. Default: chosen by the OS. */
  readonly localPort?: number;
  /** IP family used to resolve `host`: `4`, `6`, or `0` for either. Default `0`. */
  readonly family?: 0 | 4 | 6;
}

/** Options for `listen`. */
export interface TcpListenOptions extends TcpSocketOptions {
  /**
   * IP address or host name to bind. Default `'127.0.0.1'`: loopback only,
   * so nothing is exposed by accident; pass `'::'` or `'0.0.0.0'` to accept
   * from other hosts.
   */
  readonly host?: string;
  /** Port to bind, 0–65535; `0` lets the OS pick (see `listener.address.port`). Default `0`. */
  readonly port?: number;
  /**
   * Connections held while nobody has accepted them, an integer ≥ 0 (0 holds
   * one, as listen(2) does). It bounds both the OS's queue (the listen(2)
   * backlog) and the listener's own queue of connections Node took from it:
   * such a connection reads nothing until accepted, and one more than
   * `backlog` is refused with an RST. Default 511 (Node's).
   */
  readonly backlog?: number;
  /** With an IPv6 `host` (`'::'`), refuse IPv4-mapped connections. Default `false`. */
  readonly ipv6Only?: boolean;
}

/** node:net binds a dialing socket only to an IP literal, and throws for anything else. */
function ipAddress(): OptionReader<string> {
  return (value, option) =>
    typeof value === 'string' && isIP(value) !== 0
      ? ok(value)
      : err(invalidOption(option, `must be an IPv4 or IPv6 address, got ${show(value)}`));
}

const socketTable = {
  noDelay: boolean(),
  keepAlive: boolean(),
  keepAliveInitialDelay: integer({ min: 0 }),
  readHighWaterMark: integer({ min: 1 }),
};

const connectTable = {
  host: host(),
  port: port({ allowZero: false }),
  signal: signal(),
  timeout: timeout(),
  localAddress: ipAddress(),
  localPort: port({ allowZero: false }),
  family: oneOf([0, 4, 6]),
  ...socketTable,
};

const listenTable = {
  host: host(),
  port: port(),
  backlog: integer({ min: 0 }),
  ipv6Only: boolean(),
  ...socketTable,
};

/** `{ ok, options }`, the shape `@flowkit/tls` reads. */
type Checked<T> =
  | { readonly ok: true; readonly options: T }
  | { readonly ok: false; readonly error: InvalidOptionError };

/**
 * Reads {@link TcpConnectOptions} once by the kernel's option table (own
 * properties only, each read once) and validates it before any I/O. Use the
 * returned copy, never the caller's object again. Never throws.
 */
export function readTcpConnectOptions(value: unknown): Checked<TcpConnectOptions> {
  // `port` is required, so options are too (the kernel reads `undefined` as none).
  if (value === undefined)
    return { ok: false, error: invalidOption('options', 'must be an object, got undefined') };
  const read = readOptions(value, connectTable);
  if (!read.ok) return read;
  if (read.value.port === undefined) {
    return { ok: false, error: invalidOption('port', 'must be given (1–65535), got undefined') };
  }
  return { ok: true, options: read.value as TcpConnectOptions };
}

/** As {@link readTcpConnectOptions}, for {@link TcpListenOptions} (all optional). */
export function readTcpListenOptions(value: unknown): Checked<TcpListenOptions> {
  const read = readOptions(value, listenTable);
  return read.ok ? { ok: true, options: read.value } : read;
}

/** Validates {@link TcpConnectOptions} before any I/O (tls reuses it). Never throws. */
export function checkTcpConnectOptions(o: TcpConnectOptions): InvalidOptionError | undefined {
  const read = readTcpConnectOptions(o);
  return read.ok ? undefined : read.error;
}

/** Validates {@link TcpListenOptions} before any I/O (tls reuses it). Never throws. */
export function checkTcpListenOptions(o: TcpListenOptions): InvalidOptionError | undefined {
  const read = readTcpListenOptions(o);
  return read.ok ? undefined : read.error;
}
