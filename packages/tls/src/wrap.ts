import type { Duplex } from 'node:stream';
import { checkServerIdentity, TLSSocket, connect as tlsConnect } from 'node:tls';
import {
  type CloseOptions,
  type ConnectError,
  EOF,
  err,
  type Flow,
  type FlowError,
  ok,
  type ReadOptions,
  type ReadResult,
  type Result,
  type WriteResult,
} from '@flowkit/flow-types';
import { abortOnSignal, fromNodeDuplex, type SocketFlow, toNodeDuplex } from '@flowkit/node-duplex';
import { checkFlow } from './check-flow.js';
import { handshakeError, tlsFlowError } from './errors.js';
import { endFailedHandshake, HandshakeTransport, mayHaveSentAlert } from './failed-handshake.js';
import { peerVerifyError, readableEnded, releaseControl } from './node-internals.js';
import {
  type ClientPlan,
  planClient,
  planServer,
  type ServerPlan,
  type TlsClientOptions,
  type TlsServerOptions,
} from './options.js';
import { byteLength, SLICE_BYTES, writeInSlices } from './slices.js';

/** The peer's certificate, as far as a program usually needs it. */
export interface PeerCertificate {
  /** Subject fields (`CN`, `O`, …). */
  readonly subject: Readonly<Record<string, string | string[]>>;
  /** Issuer fields. */
  readonly issuer: Readonly<Record<string, string | string[]>>;
  /** SHA-256 fingerprint, colon-separated upper-case hex. */
  readonly fingerprint256: string;
  /** Subject alternative names as Node prints them (`DNS:localhost, IP Address:127.0.0.1`), if any. */
  readonly subjectAltName: string | undefined;
  /** Start of validity, as Node prints it. */
  readonly validFrom: string;
  /** End of validity, as Node prints it. */
  readonly validTo: string;
  /** Serial number, upper-case hex. */
  readonly serialNumber: string;
}

/**
 * A {@link Flow} secured by TLS, over TCP (`connect`/`listen`) or over any
 * inner flow (`wrapClient`/`wrapServer`). The handshake is complete when you
 * get one; the facts it settled are readonly fields.
 *
 * - `read` returns decrypted data. After the peer's close_notify: `EOF`,
 *   forever. If the inner flow ends without close_notify: `{ type:
 *   'truncated' }` instead of `EOF`, forever (the data may have been cut
 *   short). After a TLS alert or an inner failure: that error.
 * - `close` sends close_notify (the peer reads `EOF`; this end can still
 *   read), then waits for the peer's close_notify, then closes the inner
 *   flow and waits for it. With a `signal`, both waits are bounded.
 * - `abort` tears down the TLS state and aborts the inner flow (an RST over
 *   TCP); no close_notify is sent, so the peer sees a reset or truncation.
 */
export class TlsFlow implements Flow {
  /** The negotiated version, `'TLSv1.2'` or `'TLSv1.3'`. */
  readonly protocol: string;
  /** The ALPN protocol both ends chose, or `undefined` when none was negotiated. */
  readonly alpnProtocol: string | undefined;
  /** The cipher suite's standard name (for example `TLS_AES_256_GCM_SHA384`). */
  readonly cipher: string;
  /** The peer's certificate, or `undefined` when it sent none (a client without mutual TLS). */
  readonly peerCertificate: PeerCertificate | undefined;
  /** `true` when the handshake resumed an earlier session instead of a full exchange. */
  readonly resumed: boolean;
  /** `true` when the peer's certificate was verified (always, unless verification was explicitly disabled). */
  readonly authorized: boolean;
  /** The flow TLS runs over (a TCP flow for `connect`/`listen`). Do not read or write it. */
  readonly transport: Flow;

  readonly #flow: SocketFlow;
  readonly #state: { truncated: boolean };
  readonly #peer: string;
  #session: Buffer | undefined;
  #closing: Promise<void> | undefined;
  /** The last write still going out in slices, if any: later writes queue behind it. */
  #writing: Promise<WriteResult> | undefined;
  #closed = false;
  #aborted = false;
  /** The first failure a read returned (not a read's own signal), kept through a later abort. */
  #failure: FlowError | undefined;

  /** @internal Built by the wrappers after a successful handshake. */
  constructor(
    socket: TLSSocket,
    transport: HandshakeTransport,
    state: { truncated: boolean },
    peer: string,
    authorized: boolean,
  ) {
    this.transport = transport.inner;
    this.#state = state;
    this.#peer = peer;
    this.protocol = socket.getProtocol() ?? 'unknown';
    this.alpnProtocol = typeof socket.alpnProtocol === 'string' ? socket.alpnProtocol : undefined;
    const cipher = socket.getCipher();
    this.cipher = cipher.standardName ?? cipher.name;
    this.peerCertificate = peerCertificateOf(socket);
    this.resumed = socket.isSessionReused();
    this.authorized = authorized;
    this.#session = socket.getSession();
    socket.on('session', (session: Buffer) => {
      this.#session = session;
    });
    let tornDown = false;
    this.#flow = fromNodeDuplex(socket, {
      label: peer,
      hooks: {
        mapError: (e) => {
          // Any error after the handshake (a corrupt record, an alert, an
          // inner failure) ends the connection: reads return it, and the
          // transport is ended like a failed handshake's, letting OpenSSL's
          // alert out first, within ALERT_FLUSH_MS.
          if (!tornDown) {
            tornDown = true;
            transport.hold();
            socket.destroy();
            endFailedHandshake(transport.inner, e, mayHaveSentAlert(e));
          }
          return tlsFlowError(e, peer);
        },
        reset: (d) => d.destroy(),
      },
    });
  }

  /**
   * The latest TLS session (client side), to pass as `session` to a later
   * `connect`/`wrapClient` to resume. With TLS 1.3 the server sends it after
   * the handshake, so it may appear only once some data was read. `undefined`
   * when the server issued none.
   */
  get session(): Uint8Array | undefined {
    return this.#session;
  }

  /** How error messages name the peer: the checked name and the transport's remote address, when known. */
  get peer(): string {
    return this.#peer;
  }

  /**
   * Decrypted bytes, then `EOF` after close_notify, or `truncated` when it
   * never came. After {@link TlsFlow.abort}, in any state (even after a clean
   * close): an error at once, `{ type: 'aborted' }` or the failure a read
   * had already returned (`truncated`, an alert…); never data or `EOF`.
   */
  read(options?: ReadOptions): Promise<ReadResult> {
    return this.#flow.read(options).then((result) => {
      if (result.ok && result.value === EOF && this.#state.truncated) {
        this.#failure ??= this.#truncatedError();
        return err(this.#failure);
      }
      if (!result.ok) {
        if (this.#aborted && this.#failure !== undefined) return err(this.#failure);
        if (!this.#aborted && result.error.type !== 'aborted') this.#failure ??= result.error;
      }
      return result;
    });
  }

  #truncatedError(): FlowError {
    return {
      type: 'truncated',
      message: `TLS connection to ${this.#peer} ended without close_notify: the data may have been cut short`,
    };
  }

  /** Encrypts and sends `buffer`; same rules as {@link Flow.write}. */
  write(buffer: Uint8Array): Promise<WriteResult> {
    if (this.#writing === undefined && buffer.byteLength <= SLICE_BYTES) return this.#flow.write(buffer);
    return this.#inOrder(() => writeInSlices((batch) => this.#flow.writev(batch), [buffer]));
  }

  /**
   * Encrypts and sends `buffers` as one batch of records, or, above
   * {@link SLICE_BYTES}, in batches of that size, each once the last was
   * accepted, so a huge `writev` never holds all its ciphertext at once.
   * Same rules as {@link Flow.writev}.
   */
  writev(buffers: readonly Uint8Array[]): Promise<WriteResult> {
    if (this.#writing === undefined && byteLength(buffers) <= SLICE_BYTES) return this.#flow.writev(buffers);
    return this.#inOrder(() => writeInSlices((batch) => this.#flow.writev(batch), buffers));
  }

  /** Runs `write` after every sliced write before it, so writes keep their call order. */
  #inOrder(write: () => Promise<WriteResult>): Promise<WriteResult> {
    const before = this.#writing;
    const result = before === undefined ? write() : before.then(write);
    this.#writing = result;
    void result.then(() => {
      if (this.#writing === result) this.#writing = undefined;
    });
    return result;
  }

  /**
   * Sends close_notify, waits for the peer's, then closes the inner flow and
   * waits for that too. Reads work meanwhile. Idempotent; never rejects.
   * Every call's `signal` bounds the one close: the first to fire aborts
   * the flow (both layers) and the close resolves.
   */
  close(options?: CloseOptions): Promise<void> {
    if (this.#closing === undefined) {
      // Strictly one after the other, whoever calls: the inner flow's
      // end-of-stream must follow close_notify, which is still queued in the
      // TLS socket when close() returns. Closing the inner flow any sooner
      // lets its FIN overtake close_notify, and the peer rightly reads a
      // truncation (the flowcat flake: proxy() calls close() again, with a
      // signal, while the first close is under way).
      this.#closing = (this.#writing ?? Promise.resolve())
        .then(() => this.#flow.close())
        .then(() => this.transport.close())
        .then(() => {
          this.#closed = true;
        });
    }
    if (!this.#closed) abortOnSignal(options?.signal, this.#closing, (reason) => this.abort(reason));
    return this.#closing;
  }

  /**
   * Drops the TLS state and aborts the inner flow at once. Safe in any state;
   * abort wins even after a clean close: later reads are errors, unread data
   * is dropped, writes are `closed`, `close` resolves.
   */
  abort(reason?: unknown): void {
    this.#aborted = true;
    // One owner per handle: the TLS socket sits on a toNodeDuplex stream, not
    // on the TCP socket, so aborting both layers closes each handle once.
    this.#flow.abort(reason);
    this.transport.abort(reason);
  }
}

function peerCertificateOf(socket: TLSSocket): PeerCertificate | undefined {
  const c = socket.getPeerCertificate();
  if (c === null || c === undefined || Object.keys(c).length === 0) return undefined;
  return {
    subject: { ...(c.subject as unknown as Record<string, string | string[]>) },
    issuer: { ...(c.issuer as unknown as Record<string, string | string[]>) },
    fingerprint256: c.fingerprint256,
    subjectAltName: c.subjectaltname,
    validFrom: c.valid_from,
    validTo: c.valid_to,
    serialNumber: c.serialNumber,
  };
}

/** Node reports verification failures as a bare code string (`CERT_HAS_EXPIRED`). */
function codeError(reason: unknown): Error {
  if (reason instanceof Error) return reason;
  const code = typeof reason === 'string' ? reason : 'CERT_UNTRUSTED';
  return Object.assign(new Error(code), { code });
}

function describe(flow: Flow, name: string | undefined): string {
  const remote = (flow as { remoteAddress?: { host?: unknown; port?: unknown } }).remoteAddress;
  if (remote !== undefined && typeof remote.host === 'string' && typeof remote.port === 'number') {
    const host = remote.host.includes(':') ? `[${remote.host}]` : remote.host;
    return name === undefined || name === remote.host
      ? `${host}:${remote.port}`
      : `${name} (${host}:${remote.port})`;
  }
  return name ?? 'the peer';
}

/**
 * Tells close_notify from a bare EOF, at the moment the inner stream's EOF is
 * about to reach TLS. Race-free because nothing here depends on timing:
 *
 * - Order, not time: the inner stream emits 'end' only after its last
 *   'data', and this listener is prepended, so it runs before the 'end'
 *   listener of Node's JSStreamSocket, which is what hands the EOF to the
 *   TLS handle (`emitEOF` → TLSWrap::OnStreamRead(UV_EOF)).
 * - Every inner 'data' is decrypted synchronously, whole: TLSWrap::
 *   OnStreamRead → Cycle → ClearOut calls SSL_read until OpenSSL has no
 *   complete record left, and on close_notify (SSL_ERROR_ZERO_RETURN) pushes
 *   null onto the TLS readable side there and then. A paused TLS socket does
 *   not hold this back (ClearOut does not look at it); backpressure only
 *   stops further inner 'data', and with it the inner 'end'.
 * - `_readableState.ended` is set by that push itself, not by the 'end'
 *   event, which waits for the reader and would be racy.
 *
 * So when the inner 'end' fires, the TLS side has ended iff close_notify came
 * before it; otherwise the transport ended first: truncation.
 */
function watchTruncation(duplex: Duplex, socket: () => TLSSocket | undefined): { truncated: boolean } {
  const state = { truncated: false };
  duplex.prependListener('end', () => {
    const s = socket();
    if (s === undefined || !readableEnded(s)) state.truncated = true;
  });
  return state;
}

/** Runs the handshake on a TLS socket over `transport` and builds the flow. */
function handshake(
  transport: HandshakeTransport,
  state: { truncated: boolean },
  socket: TLSSocket,
  readyEvent: 'secureConnect' | 'secure',
  peer: string,
  signal: AbortSignal | undefined,
  check: (socket: TLSSocket) => unknown,
  verifies: boolean,
): Promise<Result<TlsFlow, ConnectError>> {
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
      endFailedHandshake(transport.inner, error, alert);
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
    socket.once(readyEvent, () => {
      const problem = check(socket);
      if (problem !== undefined) {
        onError(problem);
        return;
      }
      // fromNodeDuplex installs its own error listener before ours goes.
      transport.release();
      releaseControl(socket);
      const flow = new TlsFlow(socket, transport, state, peer, verifies);
      finish(ok(flow));
    });
  });
}

/**
 * Runs a TLS client over `flow` (mirage's TLS functor over `FLOW`): any
 * flowkit flow, a TCP flow, a unix flow, a memory pair. Verifies the server's
 * chain against `ca` (or Node's roots) and its name against `servername` or
 * `host`, requires TLS 1.2+, and resolves once the handshake is done.
 *
 * Errors: `invalid-option` before any I/O (the inner flow is left untouched);
 * `certificate` when a certificate was rejected; `handshake` for any other
 * failure to agree; `aborted` when `signal` fired. On any error the inner
 * flow has been aborted. Never rejects; throws a `TypeError` at the call
 * when `flow` is not a {@link Flow} (a programming error).
 */
export function wrapClient(flow: Flow, options: TlsClientOptions): Promise<Result<TlsFlow, ConnectError>> {
  checkFlow(flow, 'wrapClient');
  const planned = planClient(options);
  if (!planned.ok) return Promise.resolve(err(planned.error));
  return clientHandshake(flow, planned.plan, planned.signal);
}

/** @internal The client handshake with options already checked (shared by `connect`). */
export function clientHandshake(
  flow: Flow,
  plan: ClientPlan,
  signal: AbortSignal | undefined,
): Promise<Result<TlsFlow, ConnectError>> {
  const transport = new HandshakeTransport(flow);
  const duplex = toNodeDuplex(transport);
  const peer = describe(flow, plan.checkName);
  let tlsSocket: TLSSocket | undefined;
  const state = watchTruncation(duplex, () => tlsSocket);
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
  });
  tlsSocket = socket;
  socket.allowHalfOpen = true;
  const result = handshake(
    transport,
    state,
    socket,
    'secureConnect',
    peer,
    signal,
    (s) => {
      if (!plan.verify) return undefined;
      // Node checked the chain only (its name check is switched off above, as
      // it would fall back to 'localhost' without a `host`); we check the name.
      if (!s.authorized) return codeError(s.authorizationError);
      // A resumed session carries no certificate to check; it was verified
      // (chain and name) when first made, and only the server holding its
      // ticket key can resume it. Node's tls.connect skips the check likewise.
      if (s.isSessionReused()) return undefined;
      return checkServerIdentity(plan.checkName!, s.getPeerCertificate());
    },
    plan.verify,
  );
  return result;
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
  checkFlow(flow, 'wrapServer');
  const planned = planServer(options);
  if (!planned.ok) return Promise.resolve(err(planned.error));
  return serverHandshake(flow, planned.plan, planned.signal);
}

/** @internal The server handshake with options already checked (shared by `listen`). */
export function serverHandshake(
  flow: Flow,
  plan: ServerPlan,
  signal: AbortSignal | undefined,
): Promise<Result<TlsFlow, ConnectError>> {
  const transport = new HandshakeTransport(flow);
  const duplex = toNodeDuplex(transport);
  const peer = describe(flow, undefined);
  let tlsSocket: TLSSocket | undefined;
  const state = watchTruncation(duplex, () => tlsSocket);
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
  return handshake(
    transport,
    state,
    socket,
    'secure',
    peer,
    signal,
    (s) => {
      if (!plan.requestCert) return undefined;
      const verdict = peerVerifyError(s);
      if (verdict === undefined) return codeError('CERT_UNTRUSTED');
      if (verdict !== null) return verdict;
      return undefined;
    },
    plan.requestCert,
  );
}
