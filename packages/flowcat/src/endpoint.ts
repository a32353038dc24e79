import { resolve } from 'node:path';
import {
  type ConnectError,
  type Flow,
  formatError,
  type ListenError,
  type Listener,
  type Result,
} from '@flowkit/flow-types';
import * as tcp from '@flowkit/tcp';
import * as tls from '@flowkit/tls';
import * as unix from '@flowkit/unix';
import * as websocket from '@flowkit/websocket';
import { type Address, formatAddress } from './address.js';
import { stdioFlow } from './stdio.js';

/** TLS material, read from the files named on the command line. */
export interface TlsMaterial {
  readonly ca: Uint8Array | undefined;
  readonly cert: Uint8Array | undefined;
  readonly key: Uint8Array | undefined;
  readonly servername: string | undefined;
  readonly alpn: readonly string[] | undefined;
  readonly insecure: boolean;
}

/** How to open endpoints. */
export interface EndpointContext {
  readonly tls: TlsMaterial;
  /** Bounds each connect, in milliseconds (`--timeout`). */
  readonly connectTimeoutMs: number | undefined;
  /** Cancels dials and accepts (SIGINT). */
  readonly signal: AbortSignal;
  /** Verbose log line, or a no-op. */
  readonly log: (line: string) => void;
  /** A line always shown on stderr (a problem that does not stop flowcat). */
  readonly warn: (line: string) => void;
  /** Where stdio comes from (tests pass their own streams). */
  readonly stdio: { readonly stdin: NodeJS.ReadableStream; readonly stdout: NodeJS.WritableStream };
}

/**
 * Could not dial, bind or accept; `message` is one line that names the
 * address. `usage` is true when the transport refused an option flowcat
 * built from the command line (`invalid-option`): a malformed address or
 * TLS file, which flowcat reports as a usage error (exit 2).
 */
export interface OpenError {
  readonly type: 'open';
  readonly message: string;
  readonly usage: boolean;
}

/**
 * One side of the relay. A dial address dials anew on each `next()`; a
 * `*-listen` address binds in {@link prepare} and accepts on each `next()`;
 * stdio hands out its one flow once.
 */
export interface Endpoint {
  /** The address as the user wrote it (normalised), for messages. */
  readonly label: string;
  readonly listening: boolean;
  next(): Promise<Result<Flow, OpenError>>;
  /** Stops listening (dial and stdio endpoints: nothing to do). Never rejects. */
  close(): Promise<void>;
}

function openError(label: string, verb: string, error: ConnectError | ListenError): Result<never, OpenError> {
  const usage = error.type === 'invalid-option';
  const text = formatError(error);
  return { ok: false, error: { type: 'open', message: `${label}: ${verb}: ${text}`, usage } };
}

function unixTarget(path: string): unix.UnixTarget {
  // `@name` is a Linux abstract socket (no file), as ss and socat show them.
  return path.startsWith('@') ? { name: path.slice(1) } : { path: resolve(path) };
}

function dialer(label: string, dial: () => Promise<Result<Flow, ConnectError>>): Endpoint {
  return {
    label,
    listening: false,
    async next() {
      const r = await dial();
      return r.ok ? r : openError(label, 'cannot connect', r.error);
    },
    async close() {},
  };
}

function acceptor(label: string, listener: Listener<Flow, unknown>, ctx: EndpointContext): Endpoint {
  return {
    label,
    listening: true,
    async next() {
      const onAbort = (): void => void listener.close();
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      try {
        const r = await listener.accept();
        return r.ok ? r : openError(label, 'cannot accept', r.error);
      } finally {
        ctx.signal.removeEventListener('abort', onAbort);
      }
    },
    close: () => listener.close(),
  };
}

/**
 * Turns an address into an {@link Endpoint}: binds `*-listen` addresses now
 * (so a port-0 listener can report its port before anyone connects); dial
 * addresses connect lazily in `next()`.
 */
export async function prepare(address: Address, ctx: EndpointContext): Promise<Result<Endpoint, OpenError>> {
  const label = formatAddress(address);
  const timeout = ctx.connectTimeoutMs === undefined ? {} : { timeout: ctx.connectTimeoutMs };
  const { tls: t } = ctx;
  switch (address.kind) {
    case 'stdio': {
      let used = false;
      return {
        ok: true,
        value: {
          label: 'stdio',
          listening: false,
          async next() {
            if (used) {
              return {
                ok: false,
                error: { type: 'open', message: 'stdio: already relayed once', usage: false },
              };
            }
            used = true;
            return { ok: true, value: stdioFlow(ctx.stdio.stdin, ctx.stdio.stdout) };
          },
          async close() {},
        },
      };
    }
    case 'tcp':
      return {
        ok: true,
        value: dialer(label, () =>
          tcp.connect({ host: address.host, port: address.port, signal: ctx.signal, ...timeout }),
        ),
      };
    case 'unix':
      return {
        ok: true,
        value: dialer(label, () =>
          unix.connect({ ...unixTarget(address.path), signal: ctx.signal, ...timeout }),
        ),
      };
    case 'tls':
      return {
        ok: true,
        value: dialer(label, () =>
          tls.connect({
            host: address.host,
            port: address.port,
            signal: ctx.signal,
            ...timeout,
            ...(t.ca === undefined ? {} : { ca: t.ca }),
            ...(t.cert === undefined || t.key === undefined ? {} : { cert: t.cert, key: t.key }),
            ...(t.servername === undefined ? {} : { servername: t.servername }),
            ...(t.alpn === undefined ? {} : { alpnProtocols: t.alpn }),
            ...(t.insecure ? { dangerouslyDisableVerification: true } : {}),
          }),
        ),
      };
    case 'tcp-listen': {
      const r = await tcp.listen({
        port: address.port,
        ...(address.host === undefined ? {} : { host: address.host }),
      });
      if (!r.ok) return openError(label, 'cannot listen', r.error);
      // From here on every message names the port actually bound (port 0 → the real one).
      const bound = `tcp-listen:${hostPort(r.value.address.host, r.value.address.port)}`;
      ctx.log(`listening on ${bound}`);
      return { ok: true, value: acceptor(bound, r.value, ctx) };
    }
    case 'tls-listen': {
      let bound = label;
      const r = await tls.listen({
        port: address.port,
        ...(address.host === undefined ? {} : { host: address.host }),
        cert: t.cert!,
        key: t.key!,
        ...(t.ca === undefined ? {} : { ca: t.ca, requestCert: true }),
        ...(t.alpn === undefined ? {} : { alpnProtocols: t.alpn }),
        // Not fatal (the listener waits for the next client), but always shown:
        // a client that cannot get through should not meet silence.
        onHandshakeError: (e) => ctx.warn(`${bound}: a client's TLS handshake failed: ${formatError(e)}`),
      });
      if (!r.ok) return openError(label, 'cannot listen', r.error);
      bound = `tls-listen:${hostPort(r.value.address.host, r.value.address.port)}`;
      ctx.log(`listening on ${bound}`);
      return { ok: true, value: acceptor(bound, r.value, ctx) };
    }
    case 'ws':
    case 'wss': {
      const secure =
        address.kind === 'wss'
          ? {
              ...(t.ca === undefined ? {} : { ca: t.ca }),
              ...(t.cert === undefined || t.key === undefined ? {} : { cert: t.cert, key: t.key }),
              ...(t.servername === undefined ? {} : { servername: t.servername }),
              ...(t.insecure ? { dangerouslyDisableVerification: true } : {}),
            }
          : {};
      return {
        ok: true,
        value: dialer(label, () =>
          websocket.connect({ url: address.url, signal: ctx.signal, ...timeout, ...secure }),
        ),
      };
    }
    case 'ws-listen':
    case 'wss-listen': {
      const r = await websocket.listen({
        port: address.port,
        ...(address.host === undefined ? {} : { host: address.host }),
        ...(address.path === undefined ? {} : { path: address.path }),
        ...(address.kind === 'wss-listen'
          ? { cert: t.cert!, key: t.key!, ...(t.ca === undefined ? {} : { ca: t.ca, requestCert: true }) }
          : {}),
      });
      if (!r.ok) return openError(label, 'cannot listen', r.error);
      const a = r.value.address;
      const bound = `${address.kind}:${hostPort(a.host, a.port)}${a.path ?? ''}`;
      ctx.log(`listening on ${bound} (${a.url})`);
      return { ok: true, value: acceptor(bound, r.value, ctx) };
    }
    case 'unix-listen': {
      const r = await unix.listen(unixTarget(address.path));
      if (!r.ok) return openError(label, 'cannot listen', r.error);
      ctx.log(`listening on ${label}`);
      return { ok: true, value: acceptor(label, r.value, ctx) };
    }
  }
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
