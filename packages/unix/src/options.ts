import { isAbsolute } from 'node:path';
import type { InvalidOptionError } from '@flowkit/flow-types';
import {
  checkBacklog,
  checkPositiveInteger,
  checkSignal,
  checkTimeout,
  invalidOption,
  readOptions,
  show,
} from '@flowkit/node-duplex';
import type { UnixAddress } from './address.js';

/**
 * Longest socket path, in UTF-8 bytes: Linux's `sun_path` holds 108 bytes
 * including the terminating NUL. An abstract name shares the same 108 bytes
 * with its leading NUL, so it may also be at most 107 bytes.
 */
export const MAX_PATH_BYTES = 107;

/** Where to find the socket: exactly one of `path` and `name`. */
export type UnixTarget =
  | {
      /** Absolute filesystem path of the socket, at most 107 UTF-8 bytes. */
      readonly path: string;
      readonly name?: undefined;
    }
  | {
      /** Linux abstract socket name (no file; `'\0' + name` for node:net), 1–107 UTF-8 bytes. */
      readonly name: string;
      readonly path?: undefined;
    };

/** Options for `connect`. */
export type UnixConnectOptions = UnixTarget & {
  /** Cancels the attempt: `{ type: 'aborted' }`. */
  readonly signal?: AbortSignal;
  /** Gives up after this many milliseconds: `{ type: 'timeout' }`. Default: no limit. */
  readonly timeout?: number;
  /** Received-but-unread bytes above which the socket is paused, in bytes. Default 65 536. */
  readonly readHighWaterMark?: number;
};

/** Options for `listen`. */
export type UnixListenOptions = UnixTarget & {
  /**
   * Permissions of the socket file (`0o600`, …), set right after the bind
   * and before any connection is accepted. Paths only. Default: whatever the
   * process umask leaves.
   */
  readonly mode?: number;
  /** Length of the kernel's queue of not-yet-accepted connections. Default 511. */
  readonly backlog?: number;
  /** Received-but-unread bytes above which an accepted socket is paused, in bytes. Default 65 536. */
  readonly readHighWaterMark?: number;
};

/** Checks `path`/`name` and returns the address, or the problem. */
export function checkTarget(o: UnixTarget): UnixAddress | InvalidOptionError {
  const hasPath = o.path !== undefined;
  const hasName = o.name !== undefined;
  if (hasPath === hasName) {
    return invalidOption(hasPath ? 'path' : 'path', 'or name must be given, but not both');
  }
  if (hasPath) {
    const path: unknown = o.path;
    if (typeof path !== 'string' || path === '') {
      return invalidOption('path', `must be a non-empty string, got ${show(path)}`);
    }
    if (!isAbsolute(path)) return invalidOption('path', `must be absolute, got ${show(path)}`);
    if (path.includes('\0')) return invalidOption('path', 'must not contain a NUL byte');
    const bytes = Buffer.byteLength(path, 'utf8');
    if (bytes > MAX_PATH_BYTES) {
      return invalidOption(
        'path',
        `is ${bytes} bytes in UTF-8; a unix socket path holds at most ${MAX_PATH_BYTES}`,
      );
    }
    return { path };
  }
  const name: unknown = o.name;
  if (typeof name !== 'string' || name === '') {
    return invalidOption('name', `must be a non-empty string, got ${show(name)}`);
  }
  if (process.platform !== 'linux') {
    return invalidOption('name', `abstract socket names exist only on Linux, not on ${process.platform}`);
  }
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_PATH_BYTES) {
    return invalidOption(
      'name',
      `is ${bytes} bytes in UTF-8; an abstract name holds at most ${MAX_PATH_BYTES}`,
    );
  }
  return { name };
}

type Checked<T> =
  | { readonly ok: true; readonly options: T; readonly target: UnixAddress }
  | { readonly ok: false; readonly error: InvalidOptionError };

const CONNECT_KEYS = ['path', 'name', 'signal', 'timeout', 'readHighWaterMark'] as const;
const LISTEN_KEYS = ['path', 'name', 'mode', 'backlog', 'readHighWaterMark'] as const;

/**
 * Reads {@link UnixConnectOptions} once into a plain object (caller getters
 * and Proxy traps run only here; one that throws is `invalid-option` naming
 * the option) and validates it before any I/O. Never throws.
 */
export function readConnectOptions(value: unknown): Checked<UnixConnectOptions> {
  const read = readOptions(value, CONNECT_KEYS);
  if (!read.ok) return read;
  const options = read.options as unknown as UnixConnectOptions;
  const target = checkConnectOptions(options);
  return 'type' in target ? { ok: false, error: target } : { ok: true, options, target };
}

/** As {@link readConnectOptions}, for {@link UnixListenOptions}. */
export function readListenOptions(value: unknown): Checked<UnixListenOptions> {
  const read = readOptions(value, LISTEN_KEYS);
  if (!read.ok) return read;
  const options = read.options as unknown as UnixListenOptions;
  const target = checkListenOptions(options);
  return 'type' in target ? { ok: false, error: target } : { ok: true, options, target };
}

/** Validates a plain copy of {@link UnixConnectOptions} (from {@link readConnectOptions}). */
function checkConnectOptions(o: UnixConnectOptions): UnixAddress | InvalidOptionError {
  const problem =
    checkSignal(o.signal) ??
    checkTimeout(o.timeout) ??
    checkPositiveInteger(o.readHighWaterMark, 'readHighWaterMark');
  return problem ?? checkTarget(o);
}

/** Validates a plain copy of {@link UnixListenOptions} (from {@link readListenOptions}). */
function checkListenOptions(o: UnixListenOptions): UnixAddress | InvalidOptionError {
  const problem =
    checkBacklog(o.backlog) ??
    checkPositiveInteger(o.readHighWaterMark, 'readHighWaterMark') ??
    (o.mode === undefined || (Number.isInteger(o.mode) && o.mode >= 0 && o.mode <= 0o777)
      ? undefined
      : invalidOption('mode', `must be an integer 0–0o777, got ${show(o.mode)}`)) ??
    (o.mode !== undefined && o.name !== undefined
      ? invalidOption('mode', 'applies to a socket file; an abstract name has none')
      : undefined);
  return problem ?? checkTarget(o);
}
