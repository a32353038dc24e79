import type { TLSSocket } from 'node:tls';
import { type ConnectError, err, type Flow, ok, type Result } from '@flowkit/flow-types';
import { handshakeError } from './errors.js';
import { endFailedHandshake, type HandshakeTransport, mayHaveSentAlert } from './failed-handshake.js';
import { releaseControl } from './node-internals.js';
import type { SessionScope } from './sessions.js';
import { TlsFlow } from './tls-flow.js';
import type { Truncation } from './truncation.js';

/** One handshake to run: the TLS socket, what it runs over, and how to judge the peer. */
export interface HandshakeSpec {
  /** The TLS socket, already started over `transport`. */
  readonly socket: TLSSocket;
  /** The inner flow, held until the handshake succeeds. */
  readonly transport: HandshakeTransport;
  readonly truncation: Truncation;
  /** `'secureConnect'` on a client, `'secure'` on a server. */
  readonly readyEvent: 'secureConnect' | 'secure';
  /** How messages name the peer. */
  readonly peer: string;
  readonly signal: AbortSignal | undefined;
  /** The verification this end requires: `undefined` when the peer passes, else the error. */
  readonly verify: (socket: TLSSocket) => unknown;
  /** Whether `verify` checks anything (the flow's `authorized`). */
  readonly verifies: boolean;
  /** Client only: what the sessions it receives were verified for. */
  readonly sessionScope?: SessionScope;
}

/**
 * Runs the handshake and builds the flow. On any failure (an error, the
 * transport closing, `signal`, a peer `verify` rejects) the TLS socket is
 * destroyed and the inner flow ended ({@link endFailedHandshake}). Never rejects.
 */
export function handshake(spec: HandshakeSpec): Promise<Result<TlsFlow, ConnectError>> {
  const { socket, transport, peer, signal } = spec;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Result<TlsFlow, ConnectError>) => {
      if (settled) return;
      settled = true;
      socket.off('error', onError);
      socket.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const fail = (error: ConnectError, alert = false) => {
      finish(err(error));
      socket.destroy();
      endFailedHandshake(transport.transport, error, alert);
    };
    const onError = (e: unknown) => fail(handshakeError(e, peer), mayHaveSentAlert(e));
    const onClose = () =>
      fail({ type: 'handshake', message: `TLS handshake with ${peer} failed: the connection closed first` });
    // A TimeoutError reason (AbortSignal.timeout(), the listener's
    // handshakeTimeout) is a timeout, not a caller's cancellation.
    const onAbort = () =>
      fail(
        (signal?.reason as { name?: unknown } | undefined)?.name === 'TimeoutError'
          ? { type: 'timeout', message: `TLS handshake with ${peer} timed out`, cause: signal?.reason }
          : { type: 'aborted', message: `TLS handshake with ${peer} was aborted`, cause: signal?.reason },
      );
    socket.on('error', onError);
    socket.on('close', onClose);
    if (signal !== undefined) {
      if (signal.aborted) {
        onAbort();
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
    }
    socket.once(spec.readyEvent, () => {
      const problem = spec.verify(socket);
      if (problem !== undefined) {
        onError(problem);
        return;
      }
      transport.release();
      releaseControl(socket);
      // fromNodeDuplex (in TlsFlow) installs its own error listener before ours goes.
      const flow = new TlsFlow({
        socket,
        transport,
        truncation: spec.truncation,
        peer,
        authorized: spec.verifies,
        sessionScope: spec.sessionScope,
      });
      finish(ok(flow));
    });
  });
}

/** Node reports verification failures as a bare code string (`CERT_HAS_EXPIRED`). */
export function codeError(reason: unknown): Error {
  if (reason instanceof Error) return reason;
  const code = typeof reason === 'string' ? reason : 'CERT_UNTRUSTED';
  return Object.assign(new Error(code), { code });
}

/** Names the peer in messages: `name (host:port)`, `host:port`, or `name`. */
export function describePeer(flow: Flow, name: string | undefined): string {
  const remote = (flow as { remoteAddress?: { host?: unknown; port?: unknown } }).remoteAddress;
  if (remote !== undefined && typeof remote.host === 'string' && typeof remote.port === 'number') {
    const host = remote.host.includes(':') ? `[${remote.host}]` : remote.host;
    return name === undefined || name === remote.host
      ? `${host}:${remote.port}`
      : `${name} (${host}:${remote.port})`;
  }
  return name ?? 'the peer';
}
