/**
 * Every flowkit error is a plain object tagged by `type`, with a one-line
 * human `message`, the system `code` when there is one (`ECONNRESET`, …) and
 * the original `cause` when one was caught. Switch on `type`; show `message`.
 */
export interface ErrorFields {
  /** One readable line: what failed, and where (the address, the option). */
  readonly message: string;
  /** The operating system's error code (`ECONNRESET`, `EADDRINUSE`, …), if any. */
  readonly code?: string;
  /** The underlying error or abort reason, kept for debugging. */
  readonly cause?: unknown;
}

/**
 * Why a `read` (or the flow as a whole) failed.
 *
 * - `reset`: the remote tore the connection down (TCP RST, `ECONNRESET`,
 *   `EPIPE`), or an injected fault did. The flow is finished.
 * - `aborted`: ended locally, either by the read's own `signal` (the flow
 *   stays usable, nothing is lost) or by `flow.abort()` (the flow is finished).
 * - `timeout`: the transport gave up waiting (`ETIMEDOUT`). The flow is finished.
 * - `truncated`: a secure transport saw the connection end without its
 *   end-of-stream message (TLS close_notify), so the data may have been cut
 *   short by an attacker. Reported instead of `EOF`. The flow is finished.
 * - `protocol`: the bytes on the wire broke the transport's framing (a bad
 *   TLS record, a failed handshake). The flow is finished.
 * - `io`: any other operating-system failure. The flow is finished.
 */
export type FlowError = ErrorFields & {
  readonly type: 'reset' | 'aborted' | 'timeout' | 'truncated' | 'protocol' | 'io';
};

/** The error every write returns once the flow can no longer send. */
export interface ClosedError {
  readonly type: 'closed';
  readonly message: string;
  readonly cause?: unknown;
}

/**
 * Why a `write`/`writev` failed: `closed` after `close()`/`abort()` or once the
 * remote is gone, or a {@link FlowError} the transport knows more about.
 * Either way nothing more will be sent on this flow.
 */
export type WriteError = ClosedError | FlowError;

/**
 * An option passed to `connect`, `listen`, `pair` or a wrapper was wrong.
 * Reported before any I/O. `option` names it (`port`, `path`, `tls.key`…) and
 * `message` says why, for example `port must be an integer 0–65535, got 70000`.
 */
export interface InvalidOptionError {
  readonly type: 'invalid-option';
  readonly option: string;
  readonly message: string;
  readonly cause?: unknown;
}

/**
 * The JavaScript runtime a transport ran in, as {@link UnsupportedRuntimeError}
 * names it: `node`, `deno`, `bun`, `browser`, or `other`.
 */
export type RuntimeName = 'node' | 'deno' | 'bun' | 'browser' | 'other';

/**
 * The transport refuses to run in this runtime, because the runtime cannot
 * keep a promise the transport makes (backpressure, data up to the remote's
 * end, an error where one belongs). Returned by `connect`, `listen` or a
 * wrapper at the call, before any I/O, instead of losing data later;
 * importing the package never throws. `message` says which promise and why;
 * each package's README lists what it refuses where.
 */
export interface UnsupportedRuntimeError extends ErrorFields {
  readonly type: 'unsupported-runtime';
  /** The runtime that was refused. */
  readonly runtime: RuntimeName;
}

/**
 * Why dialing failed. The message always names the address.
 *
 * - `refused`: nothing listens there (`ECONNREFUSED`, or no such memory name).
 * - `unreachable`: no route to the host (`EHOSTUNREACH`, `ENETUNREACH`).
 * - `not-found`: the host name or socket path does not exist (`ENOTFOUND`, `ENOENT`).
 * - `permission`: the OS said no (`EACCES`, `EPERM`).
 * - `timeout`: the connect took too long (`ETIMEDOUT`, or the `timeout` option).
 * - `aborted`: the caller's `signal` fired first.
 * - `reset`: the peer reset the connection while it was being set up.
 * - `handshake`: a layered protocol (TLS) failed to agree; `certificate`: the
 *   peer's certificate was rejected. Only secure transports return these.
 * - `io`: any other operating-system failure.
 * - `unsupported-runtime`: the transport does not run in this runtime
 *   ({@link UnsupportedRuntimeError}).
 */
export type ConnectError =
  | InvalidOptionError
  | UnsupportedRuntimeError
  | (ErrorFields & {
      readonly type:
        | 'refused'
        | 'unreachable'
        | 'not-found'
        | 'permission'
        | 'timeout'
        | 'aborted'
        | 'reset'
        | 'handshake'
        | 'certificate'
        | 'io';
    });

/**
 * Why binding or accepting failed. The message always names the address.
 *
 * - `in-use`: the address is taken (`EADDRINUSE`, a live unix socket, a
 *   memory name already listening).
 * - `exists`: a unix socket path is held by something that is not a stale
 *   socket (a regular file, a directory); it is never removed.
 * - `permission`: the OS said no (`EACCES`, `EPERM`).
 * - `not-found`: the address does not exist on this host (`EADDRNOTAVAIL`,
 *   a missing parent directory).
 * - `closed`: the listener was closed; returned by every later `accept`.
 * - `io`: any other operating-system failure.
 * - `unsupported-runtime`: the transport does not run in this runtime
 *   ({@link UnsupportedRuntimeError}).
 */
export type ListenError =
  | InvalidOptionError
  | UnsupportedRuntimeError
  | (ErrorFields & {
      readonly type: 'in-use' | 'exists' | 'permission' | 'not-found' | 'closed' | 'io';
    });

/** Any error flowkit reports. */
export type AnyFlowkitError = FlowError | WriteError | ConnectError | ListenError;

/**
 * The shape every flowkit error has, whichever package returns it: a `type`
 * tag, a one-line `message`, and the system `code` when there is one. The
 * formatters take any such error, so errors that packages add on top of the
 * contract (a combinator's `limit` or `eof`, TLS certificate errors) format
 * the same way.
 */
export interface FormattableError {
  /** The error's tag (`reset`, `limit`, `certificate`…), printed first. */
  readonly type: string;
  /** Its one readable line; line breaks are folded into spaces. */
  readonly message: string;
  /** The system code (`ECONNRESET`…), appended in parentheses unless the message has it. */
  readonly code?: string | undefined;
}

function line(e: FormattableError): string {
  const message = e.message.replace(/\s*\n\s*/g, ' ').trim();
  const code = e.code !== undefined && !message.includes(e.code) ? ` (${e.code})` : '';
  return `${e.type}: ${message}${code}`;
}

/**
 * One readable line for a read error (mirage-flow's `pp_error`): `type:
 * message (code)`. Takes any flowkit error ({@link FormattableError}): a
 * {@link FlowError}, {@link ConnectError}, {@link ListenError}, or an error a
 * package adds (`limit`, `eof`, `certificate`…).
 */
export function formatError(error: FormattableError): string {
  return line(error);
}

/** One readable line for a write error (mirage-flow's `pp_write_error`); same rules as {@link formatError}. */
export function formatWriteError(error: FormattableError): string {
  return line(error);
}

/** Builds the `closed` write error, with an optional cause. */
export function closedError(message = 'flow is closed', cause?: unknown): ClosedError {
  return cause === undefined ? { type: 'closed', message } : { type: 'closed', message, cause };
}
