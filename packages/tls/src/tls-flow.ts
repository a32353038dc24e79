import type { TLSSocket } from 'node:tls';
import {
  type CloseOptions,
  closedError,
  EOF,
  err,
  type Flow,
  type FlowError,
  ok,
  type ReadOptions,
  type ReadResult,
  type WriteResult,
} from '@flowkit/flow-types';
import { abortOnSignal, checkByteList, checkBytes, ForwardingFlow, signalOption } from '@flowkit/kernel';
import { fromNodeDuplex, type SocketFlow } from '@flowkit/node-duplex';
import { tlsFlowError } from './errors.js';
import { endFailedHandshake, type HandshakeTransport, mayHaveSentAlert } from './failed-handshake.js';
import { recordSession, type SessionScope } from './sessions.js';
import { byteLength, SLICE_BYTES, writeInSlices } from './slices.js';
import type { Truncation } from './truncation.js';

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

/** @internal What a successful handshake hands to {@link TlsFlow}. */
export interface Established {
  readonly socket: TLSSocket;
  readonly transport: HandshakeTransport;
  readonly truncation: Truncation;
  readonly peer: string;
  readonly authorized: boolean;
  /** Client only: what the sessions this flow receives were verified for. */
  readonly sessionScope?: SessionScope | undefined;
}

const OK: Promise<WriteResult> = Promise.resolve(ok());

/**
 * A {@link Flow} secured by TLS, over TCP (`connect`/`listen`) or over any
 * inner flow (`wrapClient`/`wrapServer`). The handshake is complete when you
 * get one; the facts it settled are readonly fields.
 *
 * - `read` returns decrypted data. After the peer's close_notify: `EOF`,
 *   forever. If the inner flow ends without close_notify: `{ type:
 *   'truncated' }` instead of `EOF`, forever (the data may have been cut
 *   short). After a TLS error (a corrupt record, an alert) or an inner
 *   failure: that error (`protocol`, `reset`…), and the connection is gone.
 * - `closeWrite` sends close_notify after every write before it, then ends
 *   the inner flow's write side (its `closeWrite`, a FIN over TCP). The peer
 *   reads `EOF`; this end can still read.
 * - `close` is `closeWrite`, then waiting for the peer's close_notify (or
 *   the end of its transport), then releasing both layers. With a `signal`,
 *   the wait is bounded.
 * - `abort` tears down the TLS state and aborts the inner flow (an RST over
 *   TCP); no close_notify is sent, so the peer sees a reset or truncation.
 */
export class TlsFlow extends ForwardingFlow<SocketFlow> {
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

  readonly #truncation: Truncation;
  readonly #handshakeTransport: HandshakeTransport;
  readonly #peer: string;
  #session: Buffer | undefined;
  /** The last write still going out in slices, if any: later writes queue behind it. */
  #sliced: Promise<WriteResult> | undefined;
  #closeWrite: Promise<WriteResult> | undefined;
  #closing: Promise<void> | undefined;
  #closed = false;
  #aborted = false;
  /** The first failure a read returned (not a read's own signal), kept through a later abort. */
  #failure: FlowError | undefined;

  /** @internal Built by the wrappers after a successful handshake. */
  constructor({ socket, transport, truncation, peer, authorized, sessionScope }: Established) {
    let tornDown = false;
    super(
      fromNodeDuplex(socket, {
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
              endFailedHandshake(transport.transport, e, mayHaveSentAlert(e));
            }
            return tlsFlowError(e, peer);
          },
          reset: (d) => d.destroy(),
        },
      }),
    );
    this.transport = transport.transport;
    this.#handshakeTransport = transport;
    this.#truncation = truncation;
    this.#peer = peer;
    this.protocol = socket.getProtocol() ?? 'unknown';
    this.alpnProtocol = typeof socket.alpnProtocol === 'string' ? socket.alpnProtocol : undefined;
    const cipher = socket.getCipher();
    this.cipher = cipher.standardName ?? cipher.name;
    this.peerCertificate = peerCertificateOf(socket);
    this.resumed = socket.isSessionReused();
    this.authorized = authorized;
    const keep = (session: Buffer | undefined): void => {
      if (session !== undefined && sessionScope !== undefined) recordSession(session, sessionScope);
      this.#session = session;
    };
    keep(socket.getSession());
    socket.on('session', keep);
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
  override read(options?: ReadOptions): Promise<ReadResult> {
    return this.inner.read(options).then(this.#judgeRead);
  }

  /** What a read of the TLS socket means for this flow (one function per flow, not a closure per read). */
  readonly #judgeRead = (result: ReadResult): ReadResult => {
    if (result.ok) {
      if (result.value !== EOF || !this.#truncation.truncated) return result;
      this.#failure ??= this.#truncatedError();
      return err(this.#failure);
    }
    if (this.#aborted && this.#failure !== undefined) return err(this.#failure);
    if (!this.#aborted && result.error.type !== 'aborted') this.#failure ??= result.error;
    return result;
  };

  #truncatedError(): FlowError {
    return {
      type: 'truncated',
      message: `TLS connection to ${this.#peer} ended without close_notify: the data may have been cut short`,
    };
  }

  /** Encrypts and sends `buffer`; same rules as {@link Flow.write}. */
  override write(buffer: Uint8Array): Promise<WriteResult> {
    // Checked here, not only by the inner flow: a large or queued write never reaches it at the call.
    checkBytes(buffer, 'write', 'buffer');
    if (this.#closeWrite !== undefined) return this.#writeClosed();
    if (this.#sliced === undefined && buffer.byteLength <= SLICE_BYTES) return this.inner.write(buffer);
    return this.#inSlices([buffer]);
  }

  /**
   * Encrypts and sends `buffers` as one batch of records, or, above
   * {@link SLICE_BYTES}, in batches of that size, each once the last was
   * accepted, so a huge `writev` never holds all its ciphertext at once.
   * Same rules as {@link Flow.writev}.
   */
  override writev(buffers: readonly Uint8Array[]): Promise<WriteResult> {
    checkByteList(buffers, 'writev', 'buffers');
    if (this.#closeWrite !== undefined) return this.#writeClosed();
    if (this.#sliced === undefined && byteLength(buffers) <= SLICE_BYTES) return this.inner.writev(buffers);
    return this.#inSlices(buffers);
  }

  #writeClosed(): Promise<WriteResult> {
    return Promise.resolve(err(closedError(`TLS flow to ${this.#peer} is closed for writing`)));
  }

  /** Writes in slices after every sliced write before it, so writes keep their call order. */
  #inSlices(buffers: readonly Uint8Array[]): Promise<WriteResult> {
    const write = () => writeInSlices((batch) => this.inner.writev(batch), buffers);
    const before = this.#sliced;
    const result = before === undefined ? write() : before.then(write);
    this.#sliced = result;
    void result.then(() => {
      if (this.#sliced === result) this.#sliced = undefined;
    });
    return result;
  }

  /**
   * Sends close_notify once every write before it was accepted, then ends
   * the inner flow's write side: Node's TLS socket shuts its transport down
   * only after close_notify was written to it, so the inner end-of-stream
   * never overtakes close_notify. Resolves `ok` once both were handed on, or
   * `closed` when the connection failed or was aborted first. Later writes
   * return `closed`; reads go on until the peer's close_notify. Idempotent.
   */
  override closeWrite(): Promise<WriteResult> {
    // close_notify goes out through the TLS socket, whose end() ends the
    // transport in turn; the transport's own answer (a flow that cannot
    // half-close says so) is the result once close_notify was handed on.
    this.#closeWrite ??= (this.#sliced ?? OK)
      .then(() => this.inner.closeWrite())
      .then((sent) => (sent.ok ? this.#handshakeTransport.innerCloseWrite() : sent));
    return this.#closeWrite;
  }

  /**
   * {@link TlsFlow.closeWrite}, then waits for the peer's close_notify (or
   * the end of its transport), then releases the TLS socket and closes the
   * inner flow, waiting for that too. Reads work meanwhile. Idempotent;
   * never rejects. Every call's `signal` bounds the one close: the first to
   * fire aborts the flow (both layers) and the close resolves.
   * `options.signal` is read as an own property only.
   *
   * @throws TypeError when `options.signal` is not an `AbortSignal` (a
   *   programming error, reported at the call).
   */
  override close(options?: CloseOptions): Promise<void> {
    const signal = signalOption(options, 'close');
    if (this.#closing === undefined) {
      // The TLS socket's close waits for the peer's close_notify (or the
      // transport's end) and releases the socket; then the inner flow's
      // close waits for its remote's end-of-stream and releases it.
      this.#closing = this.closeWrite()
        .then(() => this.inner.close())
        .then(() => this.transport.close())
        .then(() => {
          this.#closed = true;
        });
    }
    if (!this.#closed) abortOnSignal(signal, this.#closing, (reason) => this.abort(reason));
    return this.#closing;
  }

  /**
   * Drops the TLS state and aborts the inner flow at once. Safe in any state;
   * abort wins even after a clean close: later reads are errors, unread data
   * is dropped, writes are `closed`, `close` resolves.
   */
  override abort(reason?: unknown): void {
    this.#aborted = true;
    // One owner per handle: the TLS socket sits on a toNodeDuplex stream, not
    // on the TCP socket, so aborting both layers closes each handle once.
    this.inner.abort(reason);
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
