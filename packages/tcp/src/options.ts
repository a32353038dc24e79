import { isIP } from 'node:net';
import type { InvalidOptionError } from '@flowkit/flow-types';
import {
  checkBacklog,
  checkBoolean,
  checkHost,
  checkNonNegativeInteger,
  checkPort,
  checkPositiveInteger,
  checkSignal,
  checkTimeout,
  invalidOption,
  readOptions,
  show,
} from '@flowkit/node-duplex';

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
  /** Length of the kernel's queue of not-yet-accepted connections. Default 511 (Node's). */
  readonly backlog?: number;
  /** With an IPv6 `host` (`'::'`), refuse IPv4-mapped connections. Default `false`. */
  readonly ipv6Only?: boolean;
}

function checkSocketOptions(o: TcpSocketOptions): InvalidOptionError | undefined {
  return (
    checkBoolean(o.noDelay, 'noDelay') ??
    checkBoolean(o.keepAlive, 'keepAlive') ??
    checkNonNegativeInteger(o.keepAliveInitialDelay, 'keepAliveInitialDelay') ??
    checkPositiveInteger(o.readHighWaterMark, 'readHighWaterMark')
  );
}

const SOCKET_KEYS = ['noDelay', 'keepAlive', 'keepAliveInitialDelay', 'readHighWaterMark'] as const;
const CONNECT_KEYS = [
  'host',
  'port',
  'signal',
  'timeout',
  'localAddress',
  'localPort',
  'family',
  ...SOCKET_KEYS,
] as const;
const LISTEN_KEYS = ['host', 'port', 'backlog', 'ipv6Only', ...SOCKET_KEYS] as const;

type Checked<T> =
  | { readonly ok: true; readonly options: T }
  | { readonly ok: false; readonly error: InvalidOptionError };

/**
 * Reads {@link TcpConnectOptions} once into a plain object (see `readOptions`
 * in `@flowkit/node-duplex`) and validates it before any I/O. Use the
 * returned copy, never the caller's object again. Never throws.
 */
export function readTcpConnectOptions(value: unknown): Checked<TcpConnectOptions> {
  const read = readOptions(value, CONNECT_KEYS);
  if (!read.ok) return read;
  const options = read.options as unknown as TcpConnectOptions;
  const problem = checkConnect(options);
  return problem === undefined ? { ok: true, options } : { ok: false, error: problem };
}

/** As {@link readTcpConnectOptions}, for {@link TcpListenOptions}. */
export function readTcpListenOptions(value: unknown): Checked<TcpListenOptions> {
  const read = readOptions(value, LISTEN_KEYS);
  if (!read.ok) return read;
  const options = read.options as unknown as TcpListenOptions;
  const problem = checkListen(options);
  return problem === undefined ? { ok: true, options } : { ok: false, error: problem };
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

function checkConnect(o: TcpConnectOptions): InvalidOptionError | undefined {
  return (
    checkHost(o.host) ??
    checkPort(o.port, { allowZero: false }) ??
    checkSignal(o.signal) ??
    checkTimeout(o.timeout) ??
    checkLocalAddress(o.localAddress) ??
    (o.localPort === undefined
      ? undefined
      : checkPort(o.localPort, { option: 'localPort', allowZero: false })) ??
    (o.family === undefined || o.family === 0 || o.family === 4 || o.family === 6
      ? undefined
      : invalidOption('family', `must be 0, 4 or 6, got ${show(o.family)}`)) ??
    checkSocketOptions(o)
  );
}

/** node:net binds a dialing socket only to an IP literal, and throws for anything else. */
function checkLocalAddress(value: unknown): InvalidOptionError | undefined {
  if (value === undefined || (typeof value === 'string' && isIP(value) !== 0)) return undefined;
  return invalidOption('localAddress', `must be an IPv4 or IPv6 address, got ${show(value)}`);
}

function checkListen(o: TcpListenOptions): InvalidOptionError | undefined {
  return (
    checkHost(o.host) ??
    (o.port === undefined ? undefined : checkPort(o.port)) ??
    checkBacklog(o.backlog) ??
    checkBoolean(o.ipv6Only, 'ipv6Only') ??
    checkSocketOptions(o)
  );
}
