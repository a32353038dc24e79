import { constants as cryptoConstants, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls';
import type { InvalidOptionError } from '@flowkit/flow-types';

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

/** What validation hands to the wrappers. */
export interface ClientPlan {
  readonly context: SecureContext;
  readonly verify: boolean;
  /** The name checked against the certificate. */
  readonly checkName: string | undefined;
  /** The SNI name sent, if any (never an IP). */
  readonly sni: string | undefined;
  readonly alpn: string[] | undefined;
  readonly session: Buffer | undefined;
}

export interface ServerPlan {
  readonly context: SecureContext;
  readonly requestCert: boolean;
  readonly alpn: string[] | undefined;
}

const VERSIONS = ['TLSv1.2', 'TLSv1.3'] as const;

function invalid(option: string, message: string, cause?: unknown): InvalidOptionError {
  const e = { type: 'invalid-option' as const, option, message: `${option} ${message}` };
  return cause === undefined ? e : { ...e, cause };
}

function isPemPart(value: unknown): value is string | Uint8Array {
  return typeof value === 'string' || value instanceof Uint8Array;
}

function pemParts(value: PemInput): (string | Uint8Array)[] {
  return isPemPart(value) ? [value] : [...value];
}

function pemText(part: string | Uint8Array): string {
  return typeof part === 'string'
    ? part
    : Buffer.from(part.buffer, part.byteOffset, part.byteLength).toString('latin1');
}

/** PEM text or bytes, or a non-empty list of them, none empty. */
function checkPem(option: string, value: unknown): InvalidOptionError | undefined {
  if (!isPemPart(value) && !(Array.isArray(value) && value.every(isPemPart))) {
    return invalid(option, 'must be PEM text (a string or bytes) or a list of them');
  }
  const parts = pemParts(value as PemInput);
  if (parts.length === 0) return invalid(option, 'must not be an empty list');
  if (parts.some((p) => (typeof p === 'string' ? p.length : p.byteLength) === 0)) {
    return invalid(option, 'must not be empty');
  }
  return undefined;
}

/** Checks a PEM list holds only parseable certificates; never echoes the input. */
function checkCertificates(option: string, value: unknown): InvalidOptionError | undefined {
  if (value === undefined) return undefined;
  const notPem = checkPem(option, value);
  if (notPem !== undefined) return notPem;
  const blocks = pemParts(value as PemInput).flatMap((p) =>
    [...pemText(p).matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map(
      (m) => m[0],
    ),
  );
  if (blocks.length === 0) return invalid(option, 'holds no PEM certificate (no BEGIN CERTIFICATE block)');
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch (cause) {
      return invalid(option, `certificate #${i + 1} could not be parsed`, cause);
    }
  }
  return undefined;
}

function checkAlpn(value: unknown): InvalidOptionError | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    return invalid('alpnProtocols', 'must be a non-empty list of protocol names');
  }
  for (const [i, name] of value.entries()) {
    if (typeof name !== 'string') return invalid('alpnProtocols', `entry ${i} must be a string`);
    const n = Buffer.byteLength(name);
    if (n < 1 || n > 255) return invalid('alpnProtocols', `entry ${i} must be 1–255 bytes, got ${n}`);
  }
  return undefined;
}

function checkVersions(options: TlsCommonOptions): InvalidOptionError | undefined {
  for (const option of ['minVersion', 'maxVersion'] as const) {
    const v = options[option] as unknown;
    if (v !== undefined && !VERSIONS.includes(v as TlsVersion)) {
      return invalid(
        option,
        `must be 'TLSv1.2' or 'TLSv1.3', got ${typeof v === 'string' ? JSON.stringify(v) : typeof v}: versions below TLS 1.2 are not supported`,
      );
    }
  }
  const min = VERSIONS.indexOf(options.minVersion ?? 'TLSv1.2');
  const max = VERSIONS.indexOf(options.maxVersion ?? 'TLSv1.3');
  if (min > max) return invalid('minVersion', 'must not be above maxVersion');
  return undefined;
}

/** Options that would weaken verification through a side door: refused by name. */
const FORBIDDEN: Record<string, string> = {
  rejectUnauthorized:
    'is not supported: verification is always on; use dangerouslyDisableVerification in tests',
  checkServerIdentity: 'is not supported: the host name is always checked against servername or host',
  secureContext: 'is not supported: pass ca, cert and key',
  ciphers: 'is not supported: Node’s default cipher list is used',
  secureProtocol: 'is not supported: use minVersion and maxVersion',
  pskCallback: 'is not supported',
};

function toNodePem(value: PemInput | undefined): string | Buffer | (string | Buffer)[] | undefined {
  if (value === undefined) return undefined;
  const toBuf = (p: string | Uint8Array) =>
    typeof p === 'string' ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength);
  return isPemPart(value) ? toBuf(value) : value.map(toBuf);
}

/**
 * Builds the secure context, checking `cert`, then `key`, then that they
 * match, so the error names the option at fault. Node's messages name the
 * OpenSSL routine and reason, never the key bytes.
 */
function buildContext(
  options: TlsCommonOptions,
  extra: Partial<SecureContextOptions>,
): { ok: true; context: SecureContext } | { ok: false; error: InvalidOptionError } {
  const fail = (error: InvalidOptionError) => ({ ok: false as const, error });
  const bad = checkCertificates('ca', options.ca) ?? checkCertificates('cert', options.cert);
  if (bad !== undefined) return fail(bad);
  if (options.passphrase !== undefined && typeof options.passphrase !== 'string') {
    return fail(invalid('passphrase', 'must be a string'));
  }
  const base: SecureContextOptions = {
    minVersion: options.minVersion ?? 'TLSv1.2',
    maxVersion: options.maxVersion ?? 'TLSv1.3',
    ...extra,
    // Renegotiation (TLS 1.2) is refused outright, both ways: OpenSSL answers
    // a peer's request with a no_renegotiation alert and never starts a
    // second handshake, so no peer can make this end pay for one.
    secureOptions: (extra.secureOptions ?? 0) | cryptoConstants.SSL_OP_NO_RENEGOTIATION,
  };
  const ca = toNodePem(options.ca);
  const cert = toNodePem(options.cert);
  const key = toNodePem(options.key);
  if (key !== undefined) {
    const notPem = checkPem('key', options.key);
    if (notPem !== undefined) return fail(notPem);
    try {
      createSecureContext(
        nodeOptions(options.passphrase === undefined ? { key } : { key, passphrase: options.passphrase }),
      );
    } catch (cause) {
      const code = (cause as { code?: string }).code;
      if (code === 'ERR_OSSL_BAD_DECRYPT') {
        return fail(invalid('passphrase', 'does not decrypt key (bad decrypt)', cause));
      }
      const encrypted = pemParts(options.key!).some((p) => /ENCRYPTED/.test(pemText(p)));
      if (encrypted && options.passphrase === undefined) {
        return fail(invalid('passphrase', 'is required: key is encrypted', cause));
      }
      return fail(invalid('key', `is not a usable PEM private key (${reason(cause)})`, cause));
    }
  }
  if ((key === undefined) !== (cert === undefined)) {
    return fail(
      key === undefined
        ? invalid('key', 'is required when cert is given')
        : invalid('cert', 'is required when key is given'),
    );
  }
  try {
    const context = createSecureContext(
      nodeOptions({
        ...base,
        ...(ca === undefined ? {} : { ca }),
        ...(cert === undefined ? {} : { cert }),
        ...(key === undefined ? {} : { key }),
        ...(options.passphrase === undefined ? {} : { passphrase: options.passphrase }),
      }),
    );
    return { ok: true, context };
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    if (code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH') {
      return fail(invalid('key', 'does not match cert (key values mismatch)', cause));
    }
    return fail(invalid('cert', `could not be loaded (${reason(cause)})`, cause));
  }
}

/**
 * Node reads many optional fields of the object it is given (`ca`,
 * `secureProtocol`, `ciphers`…); with a null prototype none of them can come
 * from a polluted Object.prototype.
 */
function nodeOptions(options: SecureContextOptions): SecureContextOptions {
  return Object.assign(Object.create(null) as SecureContextOptions, options);
}

function reason(cause: unknown): string {
  const r = (cause as { reason?: unknown }).reason;
  if (typeof r === 'string') return r;
  return (cause as { code?: string }).code ?? 'unknown error';
}

const clientPlans = new WeakMap<object, ClientPlan>();
const serverPlans = new WeakMap<object, ServerPlan>();

const COMMON_KEYS = [
  'ca',
  'cert',
  'key',
  'passphrase',
  'alpnProtocols',
  'minVersion',
  'maxVersion',
  'signal',
] as const;
const CLIENT_KEYS = [...COMMON_KEYS, 'servername', 'host', 'session'] as const;
const SERVER_KEYS = [...COMMON_KEYS, 'requestCert', 'sessionTickets'] as const;

type Read<T> = { ok: true; options: T } | { ok: false; error: InvalidOptionError };

/**
 * Reads the options once into a plain object: caller code (a getter, a
 * Proxy trap) runs only here, and one that throws is `invalid-option` naming
 * the option. The side-door names of {@link FORBIDDEN} are looked for on the
 * caller's object (inherited ones count), `dangerouslyDisableVerification`
 * only as an own property.
 */
function readTlsOptions<T>(value: unknown, keys: readonly string[]): Read<T> {
  if (typeof value !== 'object' || value === null)
    return { ok: false, error: invalid('options', 'must be an object') };
  // Null prototype, own properties only: an option set on Object.prototype
  // (prototype pollution elsewhere in the application) is never read.
  const out: Record<string, unknown> = Object.create(null);
  let at = 'options';
  try {
    for (const [name, why] of Object.entries(FORBIDDEN)) {
      at = name;
      if (Object.hasOwn(value, name) && (value as Record<string, unknown>)[name] !== undefined)
        return { ok: false, error: invalid(name, why) };
    }
    for (const key of keys) {
      at = key;
      if (!Object.hasOwn(value, key)) continue;
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = v;
    }
  } catch (cause) {
    return { ok: false, error: invalid(at, 'could not be read: reading it threw', cause) };
  }
  return { ok: true, options: out as T };
}

/** Checks on the plain copy; values may still be hostile (a Proxy for a list), hence the guard. */
function checkCommon(o: TlsCommonOptions & { signal?: unknown }): InvalidOptionError | undefined {
  if (o.signal !== undefined && !isSignal(o.signal)) return invalid('signal', 'must be an AbortSignal');
  return checkVersions(o) ?? checkAlpn(o.alpnProtocols);
}

function isSignal(value: unknown): boolean {
  try {
    return value instanceof AbortSignal;
  } catch {
    return false;
  }
}

/** Runs a plan step over a copy whose values may still run caller code (a Proxy list): a throw is `invalid-option`. */
function guarded<T>(
  run: () => T | { ok: false; error: InvalidOptionError },
): T | { ok: false; error: InvalidOptionError } {
  try {
    return run();
  } catch (cause) {
    return {
      ok: false,
      error: invalid('options', 'hold a value that could not be read: reading it threw', cause),
    };
  }
}

/**
 * Validates client options and builds their secure context. The result is
 * cached per options object, so reusing one object reuses the context.
 */
export function planClient(
  given: TlsClientOptions,
  defaultHost?: string,
):
  | { ok: true; plan: ClientPlan; signal: AbortSignal | undefined }
  | { ok: false; error: InvalidOptionError } {
  // Only an own property counts: verification must never be switched off by
  // an inherited (say, prototype-polluted) flag the caller did not write.
  const read = readTlsOptions<TlsClientOptions>(given, [...CLIENT_KEYS, 'dangerouslyDisableVerification']);
  if (!read.ok) return read;
  let options = read.options;
  const signal = options.signal;
  if (signal !== undefined && !isSignal(signal))
    return { ok: false, error: invalid('signal', 'must be an AbortSignal') };
  const defaulted =
    defaultHost !== undefined && options.host === undefined && options.servername === undefined;
  if (defaulted) options = Object.assign(Object.create(null) as object, options, { host: defaultHost });
  // A plan made with the default host is not cached: the same object given
  // to wrapClient must still be told that servername is required.
  const cached = defaulted ? undefined : clientPlans.get(given);
  if (cached !== undefined) return { ok: true, plan: cached, signal };
  const planned = guarded(() => planClientCopy(options));
  if (!planned.ok) return planned;
  if (!defaulted) clientPlans.set(given, planned.plan);
  return { ok: true, plan: planned.plan, signal };
}

function planClientCopy(
  options: TlsClientOptions,
): { ok: true; plan: ClientPlan } | { ok: false; error: InvalidOptionError } {
  const fail = (error: InvalidOptionError) => ({ ok: false as const, error });
  const common = checkCommon(options);
  if (common !== undefined) return fail(common);
  const verifyOff = options.dangerouslyDisableVerification as unknown;
  if (verifyOff !== undefined && typeof verifyOff !== 'boolean') {
    return fail(invalid('dangerouslyDisableVerification', 'must be true or false'));
  }
  for (const option of ['servername', 'host'] as const) {
    const v = options[option] as unknown;
    if (v !== undefined && (typeof v !== 'string' || v === '' || /\s/.test(v))) {
      return fail(invalid(option, 'must be a non-empty host name or IP address'));
    }
  }
  const checkName = options.servername ?? options.host;
  if (checkName === undefined && verifyOff !== true) {
    return fail(invalid('servername', 'is required (or host): the certificate is checked against it'));
  }
  if (options.session !== undefined && !(options.session instanceof Uint8Array)) {
    return fail(invalid('session', 'must be the bytes of an earlier TlsFlow.session'));
  }
  const built = buildContext(options, {});
  if (!built.ok) return built;
  const s = options.session;
  const plan: ClientPlan = {
    context: built.context,
    verify: verifyOff !== true,
    checkName,
    sni: checkName !== undefined && isIP(checkName) === 0 ? checkName : undefined,
    alpn: options.alpnProtocols === undefined ? undefined : [...options.alpnProtocols],
    session: s === undefined ? undefined : Buffer.from(s.buffer, s.byteOffset, s.byteLength),
  };
  return { ok: true, plan };
}

/**
 * Validates server options and builds their secure context (with session
 * ticket keys). Cached per options object so tickets resume across flows.
 */
export function planServer(
  given: TlsServerOptions,
):
  | { ok: true; plan: ServerPlan; signal: AbortSignal | undefined }
  | { ok: false; error: InvalidOptionError } {
  const read = readTlsOptions<TlsServerOptions>(given, SERVER_KEYS);
  if (!read.ok) return read;
  const options = read.options;
  const signal = options.signal;
  if (signal !== undefined && !isSignal(signal))
    return { ok: false, error: invalid('signal', 'must be an AbortSignal') };
  const cached = serverPlans.get(given);
  if (cached !== undefined) return { ok: true, plan: cached, signal };
  const planned = guarded(() => planServerCopy(options));
  if (!planned.ok) return planned;
  serverPlans.set(given, planned.plan);
  return { ok: true, plan: planned.plan, signal };
}

function planServerCopy(
  options: TlsServerOptions,
): { ok: true; plan: ServerPlan } | { ok: false; error: InvalidOptionError } {
  const fail = (error: InvalidOptionError) => ({ ok: false as const, error });
  const common = checkCommon(options);
  if (common !== undefined) return fail(common);
  if (options.cert === undefined) return fail(invalid('cert', 'is required on a server'));
  if (options.key === undefined) return fail(invalid('key', 'is required on a server'));
  for (const option of ['requestCert', 'sessionTickets'] as const) {
    const v = options[option] as unknown;
    if (v !== undefined && typeof v !== 'boolean') return fail(invalid(option, 'must be true or false'));
  }
  if (options.requestCert === true && options.ca === undefined) {
    return fail(invalid('ca', 'is required with requestCert: client certificates are checked against it'));
  }
  const built = buildContext(
    options,
    options.sessionTickets === false ? { secureOptions: cryptoConstants.SSL_OP_NO_TICKET } : {},
  );
  if (!built.ok) return built;
  const plan: ServerPlan = {
    context: built.context,
    requestCert: options.requestCert === true,
    alpn: options.alpnProtocols === undefined ? undefined : [...options.alpnProtocols],
  };
  return { ok: true, plan };
}
