import { Duplex, Readable } from 'node:stream';
import { createSecureContext, TLSSocket } from 'node:tls';

// Every touch of a Node-private field of `node:tls` lives here. Each one is
// checked by `internalsProblem()` (once, before the first TLS entry point
// runs; see runtime.ts): if a Node release or another runtime's node:tls
// lacks what we rely on, every entry point refuses with a typed error,
// instead of TLS silently losing truncation detection, client-certificate
// checks or post-handshake errors. Importing never throws.

interface TlsSocketInternals {
  /** `false` on a server-side socket made outside `tls.Server` until released. */
  _controlReleased?: unknown;
  /** What `tls.Server` calls once a server socket is secure (see {@link releaseControl}). */
  _releaseControl?: () => boolean;
  /** The TLSWrap handle; `verifyError()` is OpenSSL's verdict on the peer's chain. */
  _handle?: { verifyError?: () => Error | null } | null;
  _readableState?: { ended?: unknown };
}

const internals = (socket: TLSSocket): TlsSocketInternals => socket as unknown as TlsSocketInternals;

/**
 * Routes TLS errors after the handshake to `'error'` on a server-side socket.
 *
 * A `TLSSocket` built outside `tls.Server` (as `wrapServer` and `listen`
 * build theirs) keeps `_controlReleased = false`, and until it is released
 * every TLS error after the handshake (a corrupt record, an alert, Node's
 * `ERR_TLS_SESSION_ATTACK`) goes only to the internal `'_tlsError'` event:
 * the flow would never learn of it and its reads would hang. `tls.Server`
 * calls `_releaseControl()` on `'secure'`; so do we. Client sockets from
 * `tls.connect` are released at creation.
 */
export function releaseControl(socket: TLSSocket): void {
  internals(socket)._releaseControl?.();
}

/**
 * Whether the TLS readable side has ended, i.e. close_notify was decrypted.
 * `_readableState.ended` is set by the `push(null)` itself (TLSWrap does it
 * synchronously inside `SSL_read`'s `SSL_ERROR_ZERO_RETURN`), not by the
 * `'end'` event, which waits for the reader and would make truncation
 * detection racy (see `truncation.ts`).
 */
export function readableEnded(socket: TLSSocket): boolean {
  return internals(socket)._readableState?.ended === true;
}

/**
 * OpenSSL's verdict on the peer's chain for a server-side socket:
 * `null` when it verified, the error otherwise. A `TLSSocket` made without
 * `tls.Server` never runs Node's own client-certificate check (`authorized`
 * stays `false`, `authorizationError` `null`), so we ask the handle, as
 * `tls.Server` does. `undefined` if the handle is gone.
 */
export function peerVerifyError(socket: TLSSocket): Error | null | undefined {
  return internals(socket)._handle?.verifyError?.();
}

/** A relied-on internal that is missing: `what` names it. */
class Missing extends Error {}

function check(what: string, holds: boolean): void {
  if (!holds) throw new Missing(what);
}

/** The checks: a throwaway server-side socket over an idle Duplex, no I/O, no handle left open. */
function checkInternals(): void {
  const idle = new Duplex({
    read() {},
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
  const socket = new TLSSocket(idle, { isServer: true, secureContext: createSecureContext({}) });
  try {
    const s = internals(socket);
    check(
      'a server TLSSocket made outside tls.Server starts with _controlReleased === false',
      s._controlReleased === false,
    );
    check('TLSSocket.prototype._releaseControl is a function', typeof s._releaseControl === 'function');
    check("a TLSSocket's _handle has verifyError()", typeof s._handle?.verifyError === 'function');
    check('a TLSSocket has _readableState.ended === false before its end', s._readableState?.ended === false);
    releaseControl(socket);
    check('_releaseControl() sets _controlReleased', s._controlReleased === true);
  } finally {
    socket.destroy();
  }
  // The order truncation detection relies on: push(null) marks the state ended at once.
  const r = new Readable({ read() {} });
  r.push(null);
  check(
    'Readable push(null) sets _readableState.ended synchronously',
    (r as unknown as TlsSocketInternals)._readableState?.ended === true,
  );
}

/**
 * What this runtime's `node:tls` lacks of the internals above, as one
 * phrase (`a TLSSocket's _handle has verifyError()`), or `undefined` when
 * every check holds. A check that throws counts as failed, with its error.
 */
export function internalsProblem(): { readonly what: string; readonly cause?: unknown } | undefined {
  try {
    checkInternals();
    return undefined;
  } catch (error) {
    if (error instanceof Missing) return { what: error.message };
    return { what: 'a server TLSSocket can be built over a Duplex', cause: error };
  }
}
