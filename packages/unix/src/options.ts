import { isAbsolute } from 'node:path';
import { err, type InvalidOptionError, ok } from '@flowkit/flow-types';
import {
  integer,
  invalidOption,
  type OptionReader,
  readOptions,
  show,
  signal,
  text,
  timeout,
} from '@flowkit/kernel';
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
  /**
   * Connections held while nobody has accepted them, an integer ≥ 0 (0 holds
   * one). It bounds both the OS's queue (the listen(2) backlog) and the
   * listener's own queue: such a connection reads nothing until accepted,
   * and one more than `backlog` is closed at once. Default 511.
   */
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

/** File permission bits, 0–0o777. */
function fileMode(): OptionReader<number> {
  return (value, option) =>
    typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0o777
      ? ok(value)
      : err(invalidOption(option, `must be an integer 0–0o777, got ${show(value)}`));
}

// `path` and `name` are read as any string here; checkTarget says what is wrong with one.
const targetTable = { path: text({ allowNul: true }), name: text({ allowNul: true }) };

const connectTable = {
  ...targetTable,
  signal: signal(),
  timeout: timeout(),
  readHighWaterMark: integer({ min: 1 }),
};

const listenTable = {
  ...targetTable,
  mode: fileMode(),
  backlog: integer({ min: 0 }),
  readHighWaterMark: integer({ min: 1 }),
};

function withTarget<T extends UnixTarget>(options: T): Checked<T> {
  const target = checkTarget(options);
  return 'type' in target ? { ok: false, error: target } : { ok: true, options, target };
}

/**
 * Reads {@link UnixConnectOptions} once by the kernel's option table (own
 * properties only; a getter or Proxy trap that throws is `invalid-option`
 * naming the option) and validates it before any I/O. Never throws.
 */
export function readConnectOptions(value: unknown): Checked<UnixConnectOptions> {
  if (value === undefined)
    return { ok: false, error: invalidOption('options', 'must be an object, got undefined') };
  const read = readOptions(value, connectTable);
  return read.ok ? withTarget(read.value as unknown as UnixConnectOptions) : read;
}

/** As {@link readConnectOptions}, for {@link UnixListenOptions}. */
export function readListenOptions(value: unknown): Checked<UnixListenOptions> {
  if (value === undefined)
    return { ok: false, error: invalidOption('options', 'must be an object, got undefined') };
  const read = readOptions(value, listenTable);
  if (!read.ok) return read;
  if (read.value.mode !== undefined && read.value.name !== undefined) {
    return { ok: false, error: invalidOption('mode', 'applies to a socket file; an abstract name has none') };
  }
  return withTarget(read.value as unknown as UnixListenOptions);
}
