import { isIP } from 'node:net';
import type { SecureContext } from 'node:tls';
import { err, type InvalidOptionError, ok, type Result } from '@flowkit/flow-types';
import {
  boolean,
  host,
  invalidOption,
  type OptionReader,
  type OptionsOf,
  oneOf,
  type Pem,
  pem,
  readOptions,
  show,
  signal,
  text,
  tlsSideDoors,
} from '@flowkit/kernel';
import type { TlsClientOptions, TlsServerOptions, TlsVersion } from './options.js';
import { type ContextInput, secureContextFromPem } from './secure-context.js';
import { sessionFits } from './sessions.js';

/** What the client wrappers run on: the options read, checked and turned into a context. */
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

/** What the server wrappers run on. */
export interface ServerPlan {
  readonly context: SecureContext;
  readonly requestCert: boolean;
  readonly alpn: string[] | undefined;
}

/** A plan, and the signal that bounds this one handshake (never cached). */
export type Planned<P> = Result<
  { readonly plan: P; readonly signal: AbortSignal | undefined },
  InvalidOptionError
>;

const version: OptionReader<TlsVersion> = (value, option) => {
  const read = oneOf(['TLSv1.2', 'TLSv1.3'] as const)(value, option);
  return read.ok
    ? read
    : err(
        invalidOption(
          option,
          `must be 'TLSv1.2' or 'TLSv1.3', got ${show(value)}: versions below TLS 1.2 are not supported`,
        ),
      );
};

/** ALPN protocol names: a non-empty list of strings of 1–255 bytes each (copied). */
const alpnList: OptionReader<readonly string[]> = (value, option) => {
  if (!Array.isArray(value) || value.length === 0) {
    return err(invalidOption(option, 'must be a non-empty list of protocol names'));
  }
  const names = [...(value as unknown[])];
  for (const [i, name] of names.entries()) {
    if (typeof name !== 'string') return err(invalidOption(option, `entry ${i} must be a string`));
    const n = Buffer.byteLength(name);
    if (n < 1 || n > 255) return err(invalidOption(option, `entry ${i} must be 1–255 bytes, got ${n}`));
  }
  return ok(Object.freeze(names as string[]));
};

const sessionBytes: OptionReader<Uint8Array> = (value, option) =>
  value instanceof Uint8Array
    ? ok(value)
    : err(invalidOption(option, 'must be the bytes of an earlier TlsFlow.session'));

const COMMON = {
  ...tlsSideDoors,
  ca: pem(),
  cert: pem(),
  key: pem(),
  passphrase: text(),
  alpnProtocols: alpnList,
  minVersion: version,
  maxVersion: version,
  signal: signal(),
};

/** Every option {@link planClient} reads, with its reader. */
export const CLIENT_OPTIONS = {
  ...COMMON,
  servername: host(),
  host: host(),
  session: sessionBytes,
  dangerouslyDisableVerification: boolean(),
};

/** Every option {@link planServer} reads, with its reader. */
export const SERVER_OPTIONS = {
  ...COMMON,
  requestCert: boolean(),
  sessionTickets: boolean(),
};

function checkVersions(o: {
  minVersion?: TlsVersion;
  maxVersion?: TlsVersion;
}): InvalidOptionError | undefined {
  return (o.minVersion ?? 'TLSv1.2') === 'TLSv1.3' && o.maxVersion === 'TLSv1.2'
    ? invalidOption('minVersion', 'must not be above maxVersion')
    : undefined;
}

// One secure context per options object, while the inputs it was built
// from stay the same: reusing the object reuses the context (so session
// tickets resume across flows) and skips re-reading the PEM. Everything
// else (names, verification, ALPN, session, requestCert) is read on every
// call, so changing a field of a reused object always takes effect.
const contexts = new WeakMap<object, { readonly inputs: string; readonly context: SecureContext }>();

function pemText(value: Pem | readonly Pem[] | undefined): string {
  if (value === undefined) return '-';
  const list = typeof value === 'string' || value instanceof Uint8Array ? [value] : value;
  return list
    .map((p) =>
      typeof p === 'string'
        ? `s${p.length}:${p}`
        : `b${p.byteLength}:${Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('latin1')}`,
    )
    .join('');
}

/** Every input of a secure context, as one string: equal strings build equal contexts. */
function contextInputs(role: 'client' | 'server', input: ContextInput): string {
  return [
    role,
    input.minVersion ?? '-',
    input.maxVersion ?? '-',
    String(input.sessionTickets),
    input.passphrase === undefined ? '-' : `${input.passphrase.length}:${input.passphrase}`,
    pemText(input.ca),
    pemText(input.cert),
    pemText(input.key),
  ].join('\0');
}

function contextFor(
  given: object,
  role: 'client' | 'server',
  input: ContextInput,
): Result<SecureContext, InvalidOptionError> {
  const inputs = contextInputs(role, input);
  const cached = contexts.get(given);
  if (cached !== undefined && cached.inputs === inputs) return ok(cached.context);
  const built = secureContextFromPem(input);
  if (built.ok) contexts.set(given, { inputs, context: built.value });
  return built;
}

/**
 * Reads and checks client options (own properties only, each once) and
 * builds their secure context (cached per options object while its PEM and
 * versions stay the same). `defaultHost` (from `connect`) stands in for a
 * missing `host`.
 */
export function planClient(given: TlsClientOptions, defaultHost?: string): Planned<ClientPlan> {
  const read = readOptions(given, CLIENT_OPTIONS);
  if (!read.ok) return read;
  const o = read.value;
  const planned = clientPlan(given, o, defaultHost);
  if (!planned.ok) return planned;
  return ok({ plan: planned.value, signal: o.signal });
}

function clientPlan(
  given: object,
  o: OptionsOf<typeof CLIENT_OPTIONS>,
  defaultHost: string | undefined,
): Result<ClientPlan, InvalidOptionError> {
  const versions = checkVersions(o);
  if (versions !== undefined) return err(versions);
  const verify = o.dangerouslyDisableVerification !== true;
  const checkName = o.servername ?? o.host ?? defaultHost;
  if (checkName === undefined && verify) {
    return err(invalidOption('servername', 'is required (or host): the certificate is checked against it'));
  }
  const context = contextFor(given, 'client', o);
  if (!context.ok) return context;
  // A session is offered only where it was verified for this name; else a
  // full, verified handshake runs.
  const s = o.session !== undefined && sessionFits(o.session, verify, checkName) ? o.session : undefined;
  return ok({
    context: context.value,
    verify,
    checkName,
    sni: checkName !== undefined && isIP(checkName) === 0 ? checkName : undefined,
    alpn: o.alpnProtocols === undefined ? undefined : [...o.alpnProtocols],
    session: s === undefined ? undefined : Buffer.from(s.buffer, s.byteOffset, s.byteLength),
  });
}

/**
 * Reads and checks server options and builds their secure context (with
 * session ticket keys), cached per options object while its PEM and
 * versions stay the same, so tickets resume across flows.
 */
export function planServer(given: TlsServerOptions): Planned<ServerPlan> {
  const read = readOptions(given, SERVER_OPTIONS);
  if (!read.ok) return read;
  const o = read.value;
  const planned = serverPlan(given, o);
  if (!planned.ok) return planned;
  return ok({ plan: planned.value, signal: o.signal });
}

function serverPlan(
  given: object,
  o: OptionsOf<typeof SERVER_OPTIONS>,
): Result<ServerPlan, InvalidOptionError> {
  const versions = checkVersions(o);
  if (versions !== undefined) return err(versions);
  if (o.cert === undefined) return err(invalidOption('cert', 'is required on a server'));
  if (o.key === undefined) return err(invalidOption('key', 'is required on a server'));
  if (o.requestCert === true && o.ca === undefined) {
    return err(
      invalidOption('ca', 'is required with requestCert: client certificates are checked against it'),
    );
  }
  const context = contextFor(given, 'server', o);
  if (!context.ok) return context;
  return ok({
    context: context.value,
    requestCert: o.requestCert === true,
    alpn: o.alpnProtocols === undefined ? undefined : [...o.alpnProtocols],
  });
}
