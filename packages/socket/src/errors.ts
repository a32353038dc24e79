import type { ConnectError, FlowError, ListenError } from '@flowkit/flow-types';

/** The fields of a Node system error that the mapping reads. */
function codeOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function detail(error: unknown): string {
  if (error instanceof Error && error.message !== '') return error.message;
  return String(error);
}

function withCode<T extends object>(base: T, code: string | undefined, cause: unknown): T {
  // exactOptionalPropertyTypes: leave `code`/`cause` out rather than set them to undefined.
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  if (code !== undefined) out.code = code;
  if (cause !== undefined) out.cause = cause;
  return out as T;
}

function isNotFound(code: string): boolean {
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENOTFOUND' || code.startsWith('EAI_');
}

/**
 * Deno's node:net throws its own permission errors, without a `code`:
 * `NotCapable` (Deno 2) or `PermissionDenied` (Deno 1), when the process
 * lacks `--allow-net` / `--allow-read` / `--allow-write`.
 */
function isPermission(code: string, error: unknown): boolean {
  if (code === 'EACCES' || code === 'EPERM') return true;
  const name = error instanceof Error ? error.name : undefined;
  return name === 'NotCapable' || name === 'PermissionDenied';
}

/**
 * Maps an error from dialing (`'error'` before `'connect'`) to a
 * {@link ConnectError} whose message names `address`. Keeps `code` and `cause`.
 *
 * | code | type |
 * |---|---|
 * | `ECONNREFUSED` | `refused` |
 * | `EHOSTUNREACH`, `ENETUNREACH`, `EADDRNOTAVAIL` | `unreachable` |
 * | `ETIMEDOUT` | `timeout` |
 * | `ECONNRESET`, `EPIPE` | `reset` |
 * | `EACCES`, `EPERM`; Deno's `NotCapable`, `PermissionDenied` | `permission` |
 * | `ENOENT`, `ENOTDIR`, `ENOTFOUND`, `EAI_*` | `not-found` |
 * | anything else | `io` |
 */
export function connectErrorFromNode(error: unknown, address: string): ConnectError {
  const code = codeOf(error);
  const c = code ?? '';
  let type: Exclude<ConnectError['type'], 'invalid-option'>;
  let what: string;
  if (c === 'ECONNREFUSED') {
    type = 'refused';
    what = `connection to ${address} refused: nothing is listening there`;
  } else if (c === 'EHOSTUNREACH' || c === 'ENETUNREACH' || c === 'EADDRNOTAVAIL') {
    type = 'unreachable';
    what = `${address} is unreachable: no route to the host`;
  } else if (c === 'ETIMEDOUT') {
    type = 'timeout';
    what = `connection to ${address} timed out`;
  } else if (c === 'ECONNRESET' || c === 'EPIPE') {
    type = 'reset';
    what = `connection to ${address} was reset by the peer while connecting`;
  } else if (isPermission(c, error)) {
    type = 'permission';
    what = `permission denied connecting to ${address}`;
  } else if (isNotFound(c)) {
    type = 'not-found';
    what = `${address} was not found`;
  } else {
    type = 'io';
    what = `connecting to ${address} failed: ${detail(error)}`;
  }
  return withCode({ type, message: what }, code, error);
}

/**
 * Maps an error from binding (`server.listen`) or accepting to a
 * {@link ListenError} whose message names `address`. Keeps `code` and `cause`.
 *
 * | code | type |
 * |---|---|
 * | `EADDRINUSE` | `in-use` |
 * | `EACCES`, `EPERM`; Deno's `NotCapable`, `PermissionDenied` | `permission` |
 * | `ENOENT`, `ENOTDIR`, `ENOTFOUND`, `EAI_*`, `EADDRNOTAVAIL` | `not-found` |
 * | anything else | `io` |
 */
export function listenErrorFromNode(error: unknown, address: string): ListenError {
  const code = codeOf(error);
  const c = code ?? '';
  let type: Exclude<ListenError['type'], 'invalid-option'>;
  let what: string;
  if (c === 'EADDRINUSE') {
    type = 'in-use';
    what = `${address} is already in use`;
  } else if (isPermission(c, error)) {
    type = 'permission';
    what = `permission denied binding ${address}`;
  } else if (isNotFound(c) || c === 'EADDRNOTAVAIL') {
    type = 'not-found';
    what = `${address} does not exist on this host`;
  } else {
    type = 'io';
    what = `listening on ${address} failed: ${detail(error)}`;
  }
  return withCode({ type, message: what }, code, error);
}

/**
 * Maps an error on an established connection to a {@link FlowError} whose
 * message names `address`: `ECONNRESET`/`EPIPE` → `reset`, `ETIMEDOUT` →
 * `timeout`, anything else → `io`. Keeps `code` and `cause`.
 */
export function flowErrorFromNode(error: unknown, address: string): FlowError {
  const code = codeOf(error);
  const c = code ?? '';
  let type: FlowError['type'];
  let what: string;
  if (c === 'ECONNRESET' || c === 'EPIPE') {
    type = 'reset';
    what = `connection to ${address} was reset by the peer`;
  } else if (c === 'ETIMEDOUT') {
    type = 'timeout';
    what = `connection to ${address} timed out`;
  } else {
    type = 'io';
    what = `connection to ${address} failed: ${detail(error)}`;
  }
  return withCode({ type, message: what }, code, error);
}
