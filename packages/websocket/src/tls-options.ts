import { constants as cryptoConstants, X509Certificate } from 'node:crypto';
import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls';
import { err, type InvalidOptionError, ok, type Result } from '@flowkit/flow-types';
import { boolean, host, invalidOption, oneOf, type Pem, pem, text, tlsSideDoors } from '@flowkit/kernel';
import { nodeOptions } from '@flowkit/socket';
import { SECURE_CONTEXT_KEYS } from './node-options.js';

/** The TLS versions `wss:` speaks: TLS 1.2 is the floor. */
export type TlsVersion = 'TLSv1.2' | 'TLSv1.3';

/** TLS options both ends of `wss:` share (the names and rules of `@flowkit/tls`). */
export interface WssCommonOptions {
  /** Certificate authorities (PEM) to trust for the peer, replacing Node's bundled roots. Default: Node's roots. */
  readonly ca?: Pem | readonly Pem[];
  /** This end's certificate chain (PEM), leaf first. Required to listen with `wss:`. */
  readonly cert?: Pem | readonly Pem[];
  /** This end's private key (PEM), matching `cert`. */
  readonly key?: Pem | readonly Pem[];
  /** Decrypts an encrypted `key`. Default: none. */
  readonly passphrase?: string;
  /** Lowest TLS version accepted. Default `'TLSv1.2'`; nothing lower exists here. */
  readonly minVersion?: TlsVersion;
  /** Highest TLS version offered. Default `'TLSv1.3'`. */
  readonly maxVersion?: TlsVersion;
}

/** TLS options of a `wss:` client. */
export interface WssClientOptions extends WssCommonOptions {
  /**
   * The name the server's certificate must carry, also sent as SNI (unless
   * an IP address). Default: the URL's host.
   */
  readonly servername?: string;
  /**
   * Turns verification off: any certificate, any name. Only for tests
   * against throwaway servers, and only as an own property of the options
   * object (an inherited one is ignored). `rejectUnauthorized` and
   * `checkServerIdentity` are refused. Default `false`.
   */
  readonly dangerouslyDisableVerification?: boolean;
}

/** TLS options of a `wss:` listener. */
export interface WssServerOptions extends WssCommonOptions {
  /** Mutual TLS: require a client certificate that chains to `ca`. Default `false`. */
  readonly requestCert?: boolean;
}

const common = {
  ...tlsSideDoors,
  ca: pem(),
  cert: pem(),
  key: pem(),
  passphrase: text(),
  minVersion: oneOf(['TLSv1.2', 'TLSv1.3'] as const),
  maxVersion: oneOf(['TLSv1.2', 'TLSv1.3'] as const),
} as const;

/** The option table of {@link WssClientOptions}. */
export const wssClientTable = {
  ...common,
  servername: host(),
  dangerouslyDisableVerification: boolean(),
} as const;

/** The option table of {@link WssServerOptions}. */
export const wssServerTable = { ...common, requestCert: boolean() } as const;

/** The TLS names of the client table, to refuse them on a `ws:` URL. */
export const WSS_ONLY_CLIENT_OPTIONS = [
  'ca',
  'cert',
  'key',
  'passphrase',
  'minVersion',
  'maxVersion',
  'servername',
  'dangerouslyDisableVerification',
] as const;

type Read = Readonly<{
  ca?: Pem | readonly Pem[];
  cert?: Pem | readonly Pem[];
  key?: Pem | readonly Pem[];
  passphrase?: string;
  minVersion?: TlsVersion;
  maxVersion?: TlsVersion;
}>;

const VERSIONS: readonly TlsVersion[] = ['TLSv1.2', 'TLSv1.3'];

/**
 * The options as Node's TLS takes them, each PEM checked by building a
 * secure context, so bad PEM is an `invalid-option` naming `ca`, `key`,
 * `passphrase` or `cert` instead of a failure at the first handshake.
 * `context` serves a client; a server takes `options` (Node's TLS server
 * builds its own context from them). Both are built from null-prototype
 * objects holding every key Node reads (see `node-options.ts`).
 */
export function nodeTls(
  options: Read,
): Result<{ readonly context: SecureContext; readonly options: SecureContextOptions }, InvalidOptionError> {
  const min = options.minVersion ?? 'TLSv1.2';
  const max = options.maxVersion ?? 'TLSv1.3';
  if (VERSIONS.indexOf(min) > VERSIONS.indexOf(max)) {
    return err(invalidOption('minVersion', `must not be above maxVersion (${min} > ${max})`));
  }
  if ((options.cert === undefined) !== (options.key === undefined)) {
    return err(
      options.cert === undefined
        ? invalidOption('cert', 'is required when key is given')
        : invalidOption('key', 'is required when cert is given'),
    );
  }
  // As @flowkit/tls: TLS 1.2 renegotiation is refused both ways; OpenSSL
  // answers a peer's request with a no_renegotiation alert and never starts
  // a second handshake. A server passes this on as `secureOptions`.
  const base: SecureContextOptions = {
    minVersion: min,
    maxVersion: max,
    secureOptions: cryptoConstants.SSL_OP_NO_RENEGOTIATION,
  };
  const attempt = (
    option: string,
    extra: SecureContextOptions,
  ): Result<SecureContext, InvalidOptionError> => {
    try {
      return ok(createSecureContext(nodeOptions(SECURE_CONTEXT_KEYS, { ...base, ...extra })));
    } catch (cause) {
      const code = (cause as { code?: unknown }).code;
      if (code === 'ERR_OSSL_BAD_DECRYPT') {
        return err(invalidOption('passphrase', 'does not decrypt key', cause));
      }
      const why = (cause as { reason?: unknown }).reason ?? code ?? 'unknown error';
      return err(invalidOption(option, `could not be loaded (${String(why)})`, cause));
    }
  };
  const unparsable = certificateProblem('ca', options.ca) ?? certificateProblem('cert', options.cert);
  if (unparsable !== undefined) return err(unparsable);
  const ca = nodePem(options.ca);
  if (ca !== undefined) {
    const checked = attempt('ca', { ca });
    if (!checked.ok) return checked;
  }
  const cert = nodePem(options.cert);
  const key = nodePem(options.key);
  const pass = options.passphrase === undefined ? {} : { passphrase: options.passphrase };
  if (key !== undefined) {
    const checked = attempt('key', { key, ...pass });
    if (!checked.ok) return checked;
  }
  const all: SecureContextOptions = nodeOptions(SECURE_CONTEXT_KEYS, {
    ...base,
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...pass,
  });
  const context = attempt('cert', all);
  return context.ok ? ok({ context: context.value, options: all }) : context;
}

/** Node skips text in `ca` that is not a certificate, silently: every part must hold a parsable one. */
function certificateProblem(
  option: string,
  value: Pem | readonly Pem[] | undefined,
): InvalidOptionError | undefined {
  if (value === undefined) return undefined;
  const parts = typeof value === 'string' || value instanceof Uint8Array ? [value] : value;
  for (const [i, part] of parts.entries()) {
    const text = typeof part === 'string' ? part : new TextDecoder('latin1').decode(part);
    const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
    if (blocks.length === 0)
      return invalidOption(option, `entry ${i} holds no PEM certificate (no BEGIN CERTIFICATE block)`);
    for (const block of blocks) {
      try {
        new X509Certificate(block);
      } catch (cause) {
        return invalidOption(option, `entry ${i} holds a certificate that could not be parsed`, cause);
      }
    }
  }
  return undefined;
}

function nodePem(value: Pem | readonly Pem[] | undefined): string | Buffer | (string | Buffer)[] | undefined {
  if (value === undefined) return undefined;
  const one = (p: Pem) => (typeof p === 'string' ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength));
  return typeof value === 'string' || value instanceof Uint8Array ? one(value) : value.map(one);
}
