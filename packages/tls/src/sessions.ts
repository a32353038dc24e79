/**
 * What a client session was verified for: the name its certificate was
 * checked against, or `undefined` when verification was disabled.
 */
export interface SessionScope {
  readonly verified: boolean;
  readonly name: string | undefined;
}

/**
 * The scope of every session a client {@link TlsFlow} handed out, keyed by
 * the bytes object itself (weakly: a session nobody holds is forgotten).
 * A resumed handshake carries no certificate to check again, so a session
 * may only be offered to the name it was verified for.
 */
const scopes = new WeakMap<Uint8Array, SessionScope>();

/** Records that `session` came from a handshake verified (or not) for `scope`. */
export function recordSession(session: Uint8Array, scope: SessionScope): void {
  scopes.set(session, scope);
}

/**
 * Whether `session` may be offered on a handshake that verifies `name`
 * (`verify`) or verifies nothing. A session this process handed out is
 * offered only to the name it was verified for, and never from an
 * unverified handshake to a verifying one. Bytes of unknown origin (a copy,
 * a session read back from storage) are offered as given: the caller vouches
 * for them, as Node's `session` option does.
 */
export function sessionFits(session: Uint8Array, verify: boolean, name: string | undefined): boolean {
  if (!verify) return true;
  const scope = scopes.get(session);
  return scope === undefined || (scope.verified && scope.name === name);
}
