import { type ConnectionOptions, checkServerIdentity, TLSSocket, connect as tlsConnect } from 'node:tls';
import { type ConnectError, err, type Flow, type Result } from '@flowkit/flow-types';
import { checkFlow } from '@flowkit/kernel';
import { toNodeDuplex } from '@flowkit/node-duplex';
import { HandshakeTransport } from './failed-handshake.js';
import { codeError, describePeer, handshake } from './handshake.js';
import { peerVerifyError } from './node-internals.js';
import type { TlsClientOptions, TlsServerOptions } from './options.js';
import { type ClientPlan, planClient, planServer, type ServerPlan } from './plan.js';
import { runtimeRefusal } from './runtime.js';
import type { TlsFlow } from './tls-flow.js';
import { watchTruncation } from './truncation.js';

/**
 * Runs a TLS client over `flow` (mirage's TLS functor over `FLOW`): any
 * flowkit flow, a TCP flow, a unix flow, a memory pair. Verifies the server's
 * chain against `ca` (or Node's roots) and its name against `servername` or
 * `host`, requires TLS 1.2+, and resolves once the handshake is done.
 *
 * Errors: `invalid-option` before any I/O (the inner flow is left untouched);
 * `certificate` when a certificate was rejected; `handshake` for any other
 * failure to agree; `aborted` when `signal` fired. On any error the inner
 * flow has been aborted, except `invalid-option` and `unsupported-runtime`
 * (a runtime tls cannot keep its promises on), both returned before any I/O. Never rejects; throws a `TypeError` at the call
 * when `flow` is not a {@link Flow} (a programming error).
 */
export function wrapClient(flow: Flow, options: TlsClientOptions): Promise<Result<TlsFlow, ConnectError>> {
  checkFlow(flow, 'wrapClient', 'flow');
  const refused = runtimeRefusal();
  if (refused !== undefined) return Promise.resolve(err(refused));
  const planned = planClient(options);
  if (!planned.ok) return Promise.resolve(err(planned.error));
  return clientHandshake(flow, planned.value.plan, planned.value.signal);
}

/** @internal The client handshake with options already checked (shared by `connect`). */
export function clientHandshake(
  flow: Flow,
  plan: ClientPlan,
  signal: AbortSignal | undefined,
): Promise<Result<TlsFlow, ConnectError>> {
  const transport = new HandshakeTransport(flow);
  const duplex = toNodeDuplex(transport);
  const peer = describePeer(flow, plan.checkName);
  let tlsSocket: TLSSocket | undefined;
  const truncation = watchTruncation(duplex, () => tlsSocket);
  const socket = tlsConnect({
    socket: duplex,
    secureContext: plan.context,
    // Verification is enforced on 'secureConnect' below (chain, then name),
    // so no Node option can skip it.
    rejectUnauthorized: false,
    checkServerIdentity: () => undefined,
    // Own properties even when undefined: tls.connect copies our options
    // into a plain object, so an absent one would be looked up on a
    // (possibly polluted) Object.prototype.
    servername: plan.sni,
    ALPNProtocols: plan.alpn,
    session: plan.session,
    pskCallback: undefined,
    signal: undefined,
  } as ConnectionOptions);
  tlsSocket = socket;
  socket.allowHalfOpen = true;
  return handshake({
    socket,
    transport,
    truncation,
    readyEvent: 'secureConnect',
    peer,
    signal,
    verify: (s) => {
      if (!plan.verify) return undefined;
      // Node checked the chain only (its name check is switched off above, as
      // it would fall back to 'localhost' without a `host`); we check the name.
      if (!s.authorized) return codeError(s.authorizationError);
      // A resumed session carries no certificate to check; it was verified
      // (chain and name) when first made, only for this name (planClient
      // offers a session only where sessionFits), and only the server
      // holding its ticket key can resume it.
      if (s.isSessionReused()) return undefined;
      return checkServerIdentity(plan.checkName!, s.getPeerCertificate());
    },
    verifies: plan.verify,
    sessionScope: { verified: plan.verify, name: plan.checkName },
  });
}

/**
 * Runs a TLS server over `flow`. Presents `cert`/`key`, requires TLS 1.2+,
 * and with `requestCert` demands a client certificate that chains to `ca`.
 * Resolves once the handshake is done. Reusing one options object for many
 * flows shares one context, so session tickets resume.
 *
 * Errors as for {@link wrapClient}; a client without a valid certificate
 * under mutual TLS is `certificate`. On any error the inner flow has been
 * aborted. Never rejects; throws a `TypeError` at the call when `flow` is
 * not a {@link Flow}.
 */
export function wrapServer(flow: Flow, options: TlsServerOptions): Promise<Result<TlsFlow, ConnectError>> {
  checkFlow(flow, 'wrapServer', 'flow');
  const refused = runtimeRefusal();
  if (refused !== undefined) return Promise.resolve(err(refused));
  const planned = planServer(options);
  if (!planned.ok) return Promise.resolve(err(planned.error));
  return serverHandshake(flow, planned.value.plan, planned.value.signal);
}

/** @internal The server handshake with options already checked (shared by `listen`). */
export function serverHandshake(
  flow: Flow,
  plan: ServerPlan,
  signal: AbortSignal | undefined,
): Promise<Result<TlsFlow, ConnectError>> {
  const transport = new HandshakeTransport(flow);
  const duplex = toNodeDuplex(transport);
  const peer = describePeer(flow, undefined);
  let tlsSocket: TLSSocket | undefined;
  const truncation = watchTruncation(duplex, () => tlsSocket);
  // Null prototype: TLSSocket reads many optional fields (SNICallback,
  // pskCallback, …) that must not come from a polluted Object.prototype.
  const socket = new TLSSocket(
    duplex,
    Object.assign(Object.create(null) as object, {
      isServer: true,
      secureContext: plan.context,
      requestCert: plan.requestCert,
      rejectUnauthorized: plan.requestCert,
      ...(plan.alpn === undefined ? {} : { ALPNProtocols: plan.alpn }),
    }),
  );
  tlsSocket = socket;
  socket.allowHalfOpen = true;
  return handshake({
    socket,
    transport,
    truncation,
    readyEvent: 'secure',
    peer,
    signal,
    verify: (s) => {
      if (!plan.requestCert) return undefined;
      const verdict = peerVerifyError(s);
      if (verdict === undefined) return codeError('CERT_UNTRUSTED');
      if (verdict !== null) return verdict;
      return undefined;
    },
    verifies: plan.requestCert,
  });
}
