/** PEM text (or its bytes), or a list of them. */
export type PemInput = string | Uint8Array | readonly (string | Uint8Array)[];

/** The TLS versions flowkit speaks. TLS 1.2 is the floor; older versions are refused outright. */
export type TlsVersion = 'TLSv1.2' | 'TLSv1.3';

/** Options both ends share. */
export interface TlsCommonOptions {
  /**
   * Certificate authorities (PEM) to trust for the peer's chain, replacing
   * Node's bundled roots. Default: Node's bundled Mozilla roots.
   */
  readonly ca?: PemInput;
  /** This end's certificate chain (PEM), leaf first. Required on a server. */
  readonly cert?: PemInput;
  /** This end's private key (PEM). Required on a server; must match `cert`. */
  readonly key?: PemInput;
  /** Decrypts an encrypted `key`. Default: none. */
  readonly passphrase?: string;
  /**
   * ALPN protocol names, most preferred first (each 1–255 bytes, for example
   * `['h2', 'http/1.1']`). Default: no ALPN.
   */
  readonly alpnProtocols?: readonly string[];
  /** Lowest TLS version accepted. Default `'TLSv1.2'`; nothing lower is allowed. */
  readonly minVersion?: TlsVersion;
  /** Highest TLS version offered. Default `'TLSv1.3'`. */
  readonly maxVersion?: TlsVersion;
}

/** Options for {@link wrapClient} (and the TLS part of `connect`). */
export interface TlsClientOptions extends TlsCommonOptions {
  /**
   * The name the server's certificate must carry; also sent as SNI (unless
   * it is an IP address). Default: `host`. One of the two is required.
   */
  readonly servername?: string;
  /**
   * The host being reached. Used for verification when `servername` is
   * absent. For `connect` it is also the address dialed.
   */
  readonly host?: string;
  /** A session from an earlier flow's {@link TlsFlow.session}, to resume it. Default: none. */
  readonly session?: Uint8Array;
  /**
   * Turns peer verification off: any certificate, any name, is accepted. Only
   * for tests against throwaway servers. There is no other way to do it:
   * `rejectUnauthorized` and `checkServerIdentity` are refused. Default `false`.
   */
  readonly dangerouslyDisableVerification?: boolean;
  /**
   * Cancels the handshake; the result is `{ type: 'aborted' }` (`timeout` when the
   * reason is a `TimeoutError`, as from `AbortSignal.timeout()`) and the inner flow is aborted.
   */
  readonly signal?: AbortSignal;
}

/** Options for {@link wrapServer} (and each flow `listen` accepts). */
export interface TlsServerOptions extends TlsCommonOptions {
  /**
   * Mutual TLS: ask every client for a certificate and require one that
   * chains to `ca`. Default `false`.
   */
  readonly requestCert?: boolean;
  /**
   * Issue TLS session tickets so clients can resume. Tickets are only
   * accepted by the context that issued them: `listen` shares one per
   * listener; `wrapServer` shares one per options object. Default `true`.
   */
  readonly sessionTickets?: boolean;
  /**
   * Cancels the handshake; the result is `{ type: 'aborted' }` (`timeout` when the
   * reason is a `TimeoutError`, as from `AbortSignal.timeout()`) and the inner flow is aborted.
   */
  readonly signal?: AbortSignal;
}
