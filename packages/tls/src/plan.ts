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
  pem,
  readOptions,
  show,
  signal,
  text,
  tlsSideDoors,
} from '@flowkit/kernel';
import type { TlsClientOptions, TlsServerOptions, TlsVersion } from './options.js';
import { secureContextFromPem } from './secure-context.js';

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

// One plan per options object: reusing the object reuses its secure context
// (so session tickets resume across flows) and skips re-reading the PEM.
const clientPlans = new WeakMap<object, ClientPlan>();
const serverPlans = new WeakMap<object, ServerPlan>();

/**
 * Reads and checks client options (own properties only, each once) and
 * builds their secure context. `defaultHost` (from `connect`) stands in for
 * a missing `host`; such a plan is not cached, so the same object given to
 * `wrapClient` is still told that `servername` is required.
 */
export function planClient(given: TlsClientOptions, defaultHost?: string): Planned<ClientPlan> {
  const read = readOptions(given, CLIENT_OPTIONS);
  if (!read.ok) return read;
  const o = read.value;
  const defaulted = defaultHost !== undefined && o.host === undefined && o.servername === undefined;
  const cached = defaulted ? undefined : clientPlans.get(given);
  if (cached !== undefined) return ok({ plan: cached, signal: o.signal });
  const planned = clientPlan(o, defaulted ? defaultHost : undefined);
  if (!planned.ok) return planned;
  if (!defaulted) clientPlans.set(given, planned.value);
  return ok({ plan: planned.value, signal: o.signal });
}

function clientPlan(
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
  const context = secureContextFromPem(o);
  if (!context.ok) return context;
  const s = o.session;
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
 * session ticket keys). Cached per options object so tickets resume across flows.
 */
export function planServer(given: TlsServerOptions): Planned<ServerPlan> {
  const read = readOptions(given, SERVER_OPTIONS);
  if (!read.ok) return read;
  const o = read.value;
  const cached = serverPlans.get(given);
  if (cached !== undefined) return ok({ plan: cached, signal: o.signal });
  const planned = serverPlan(o);
  if (!planned.ok) return planned;
  serverPlans.set(given, planned.value);
  return ok({ plan: planned.value, signal: o.signal });
}

function serverPlan(o: OptionsOf<typeof SERVER_OPTIONS>): Result<ServerPlan, InvalidOptionError> {
  const versions = checkVersions(o);
  if (versions !== undefined) return err(versions);
  if (o.cert === undefined) return err(invalidOption('cert', 'is required on a server'));
  if (o.key === undefined) return err(invalidOption('key', 'is required on a server'));
  if (o.requestCert === true && o.ca === undefined) {
    return err(
      invalidOption('ca', 'is required with requestCert: client certificates are checked against it'),
    );
  }
  const context = secureContextFromPem(o);
  if (!context.ok) return context;
  return ok({
    context: context.value,
    requestCert: o.requestCert === true,
    alpn: o.alpnProtocols === undefined ? undefined : [...o.alpnProtocols],
  });
}
