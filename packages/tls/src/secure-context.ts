import { constants as cryptoConstants, X509Certificate } from 'node:crypto';
import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls';
import { err, type InvalidOptionError, ok, type Result } from '@flowkit/flow-types';
import { invalidOption, type Pem } from '@flowkit/kernel';
import type { TlsVersion } from './options.js';

/** The PEM and version options a secure context is built from, already read and shape-checked. */
export interface ContextInput {
  readonly ca?: Pem | readonly Pem[] | undefined;
  readonly cert?: Pem | readonly Pem[] | undefined;
  readonly key?: Pem | readonly Pem[] | undefined;
  readonly passphrase?: string | undefined;
  readonly minVersion?: TlsVersion | undefined;
  readonly maxVersion?: TlsVersion | undefined;
  /** Server only: `false` turns session tickets off. */
  readonly sessionTickets?: boolean | undefined;
}

function parts(value: Pem | readonly Pem[]): readonly Pem[] {
  return typeof value === 'string' || value instanceof Uint8Array ? [value] : value;
}

function text(part: Pem): string {
  return typeof part === 'string'
    ? part
    : Buffer.from(part.buffer, part.byteOffset, part.byteLength).toString('latin1');
}

function toNode(value: Pem | readonly Pem[] | undefined): string | Buffer | (string | Buffer)[] | undefined {
  if (value === undefined) return undefined;
  const one = (p: Pem) => (typeof p === 'string' ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength));
  return typeof value === 'string' || value instanceof Uint8Array ? one(value) : value.map(one);
}

/**
 * Node reads many optional fields of the object it is given (`ca`,
 * `secureProtocol`, `ciphers`…); with a null prototype none of them can come
 * from a polluted Object.prototype.
 */
function nodeOptions(options: SecureContextOptions): SecureContextOptions {
  return Object.assign(Object.create(null) as SecureContextOptions, options);
}

/** OpenSSL's reason (`bad decrypt`), never its message (it can quote input). */
function reason(cause: unknown): string {
  const r = (cause as { reason?: unknown }).reason;
  if (typeof r === 'string') return r;
  return (cause as { code?: string }).code ?? 'unknown error';
}

/** Checks a PEM list holds only parseable certificates; never echoes the input. */
function checkCertificates(
  option: string,
  value: Pem | readonly Pem[] | undefined,
): InvalidOptionError | undefined {
  if (value === undefined) return undefined;
  const blocks = parts(value).flatMap((p) =>
    [...text(p).matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => m[0]),
  );
  if (blocks.length === 0)
    return invalidOption(option, 'holds no PEM certificate (no BEGIN CERTIFICATE block)');
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch (cause) {
      return invalidOption(option, `certificate #${i + 1} could not be parsed`, cause);
    }
  }
  return undefined;
}

/** Loads the key alone first, so a bad key or passphrase is named as such, not as a cert problem. */
function checkKey(input: ContextInput): InvalidOptionError | undefined {
  const key = toNode(input.key);
  if (key === undefined) return undefined;
  try {
    createSecureContext(
      nodeOptions(input.passphrase === undefined ? { key } : { key, passphrase: input.passphrase }),
    );
    return undefined;
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    if (code === 'ERR_OSSL_BAD_DECRYPT')
      return invalidOption('passphrase', 'does not decrypt key (bad decrypt)', cause);
    const encrypted = parts(input.key!).some((p) => /ENCRYPTED/.test(text(p)));
    if (encrypted && input.passphrase === undefined) {
      return invalidOption('passphrase', 'is required: key is encrypted', cause);
    }
    return invalidOption('key', `is not a usable PEM private key (${reason(cause)})`, cause);
  }
}

/**
 * Builds the secure context from PEM, checking `ca` and `cert`, then `key`,
 * then that key and cert match, so the error names the option at fault.
 * OpenSSL's errors are mapped to `invalid-option` with its reason, never
 * with key bytes.
 *
 * Renegotiation (TLS 1.2) is refused outright, both ways
 * (`SSL_OP_NO_RENEGOTIATION`): OpenSSL answers a peer's request with a
 * no_renegotiation alert and never starts a second handshake, so no peer
 * can make this end pay for one.
 */
export function secureContextFromPem(input: ContextInput): Result<SecureContext, InvalidOptionError> {
  const bad = checkCertificates('ca', input.ca) ?? checkCertificates('cert', input.cert) ?? checkKey(input);
  if (bad !== undefined) return err(bad);
  if ((input.key === undefined) !== (input.cert === undefined)) {
    return err(
      input.key === undefined
        ? invalidOption('key', 'is required when cert is given')
        : invalidOption('cert', 'is required when key is given'),
    );
  }
  const noTickets = input.sessionTickets === false ? cryptoConstants.SSL_OP_NO_TICKET : 0;
  const ca = toNode(input.ca);
  const cert = toNode(input.cert);
  const key = toNode(input.key);
  try {
    return ok(
      createSecureContext(
        nodeOptions({
          minVersion: input.minVersion ?? 'TLSv1.2',
          maxVersion: input.maxVersion ?? 'TLSv1.3',
          secureOptions: cryptoConstants.SSL_OP_NO_RENEGOTIATION | noTickets,
          ...(ca === undefined ? {} : { ca }),
          ...(cert === undefined ? {} : { cert }),
          ...(key === undefined ? {} : { key }),
          ...(input.passphrase === undefined ? {} : { passphrase: input.passphrase }),
        }),
      ),
    );
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    if (code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH') {
      return err(invalidOption('key', 'does not match cert (key values mismatch)', cause));
    }
    return err(invalidOption('cert', `could not be loaded (${reason(cause)})`, cause));
  }
}
