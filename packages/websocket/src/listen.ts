import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { Server as TlsServer } from 'node:tls';
import { err, type InvalidOptionError, type ListenError, ok, type Result } from '@flowkit/flow-types';
import {
  boolean,
  host,
  integer,
  invalidOption,
  type OptionReader,
  type OptionsOf,
  port,
  readOptions,
  show,
} from '@flowkit/kernel';
import { listenErrorFromNode, nodeOptions } from '@flowkit/socket';
import { DEFAULT_MAX_RECEIVED_MESSAGE_BYTES } from './connect.js';
import { flowLimits, flowOptionTable, type WebSocketFlowOptions } from './flow-options.js';
import { DEFAULT_MAX_PENDING, type ListenerSetup, WebSocketListener } from './listener.js';
import { HTTPS_SERVER_KEYS } from './node-options.js';
import { nodeTls, type WssServerOptions, wssServerTable } from './tls-options.js';

/** Options shared by {@link listen} and {@link attach}. */
export interface WebSocketServeOptions extends WebSocketFlowOptions {
  /** Upgrade only requests for this path (`'/flows'`); others get HTTP 404. Default: every path. */
  readonly path?: string;
  /**
   * Select the `flowkit.v1` subprotocol when a client offers it (flows with
   * half-close); clients that do not offer it still connect, without. `false`
   * never selects it. Default `true`.
   */
  readonly halfClose?: boolean;
  /** Flows held before `accept` takes them; further upgrades are answered HTTP 503. Default 128. */
  readonly maxPending?: number;
  /** The largest message accepted from a client, in bytes; larger fails the flow (`protocol`, Close 1009). Default 16 MiB. */
  readonly maxReceivedMessageBytes?: number;
}

/** Options of {@link listen}. With `cert` and `key` it serves `wss:`. */
export interface WebSocketListenOptions extends WebSocketServeOptions, WssServerOptions {
  /** IP address or host name to bind. Default `'127.0.0.1'`: loopback only. */
  readonly host?: string;
  /** Port to bind, 0–65535; 0 lets the OS pick (see `address.port`). Default 0. */
  readonly port?: number;
  /** Length of the kernel's queue of connections not yet accepted by Node. Default 511. */
  readonly backlog?: number;
}

function requestPath(): OptionReader<string> {
  return (value, option) =>
    typeof value === 'string' && value.startsWith('/') && !/[\s?#\0]/.test(value)
      ? ok(value)
      : err(
          invalidOption(
            option,
            `must be a path starting with '/', without query or fragment, got ${show(value)}`,
          ),
        );
}

const serveTable = {
  ...flowOptionTable,
  path: requestPath(),
  halfClose: boolean(),
  maxPending: integer({ min: 1 }),
  maxReceivedMessageBytes: integer({ min: 1 }),
} as const;

const listenTable = {
  ...serveTable,
  ...wssServerTable,
  host: host(),
  port: port(),
  backlog: integer({ min: 1 }),
} as const;

function setup(
  server: ListenerSetup['server'],
  owned: boolean,
  o: OptionsOf<typeof serveTable>,
  // Bun's https.Server is not an instance of tls.Server: listen says what it made.
  secure: boolean = server instanceof TlsServer,
): ListenerSetup {
  return {
    server,
    owned,
    secure,
    path: o.path,
    halfClose: o.halfClose ?? true,
    maxPending: o.maxPending ?? DEFAULT_MAX_PENDING,
    maxReceivedMessageBytes: o.maxReceivedMessageBytes ?? DEFAULT_MAX_RECEIVED_MESSAGE_BYTES,
    limits: flowLimits(o),
  };
}

/**
 * Binds an HTTP server (HTTPS with `cert` and `key`) that upgrades requests
 * into flows, and returns its {@link WebSocketListener}. Plain HTTP requests
 * are answered 426 Upgrade Required. Failures are values: `in-use`,
 * `permission`, `not-found`, `io`, `invalid-option`. Never rejects.
 */
export function listen(given: WebSocketListenOptions = {}): Promise<Result<WebSocketListener, ListenError>> {
  const read = readOptions(given, listenTable);
  if (!read.ok) return Promise.resolve(read);
  const o = read.value;
  const secure = o.cert !== undefined || o.key !== undefined;
  if (!secure) {
    const tlsOnly = (['ca', 'passphrase', 'requestCert', 'minVersion', 'maxVersion'] as const).find(
      (name) => o[name] !== undefined,
    );
    if (tlsOnly !== undefined) {
      return Promise.resolve(err(invalidOption(tlsOnly, 'applies only to wss: (give cert and key)')));
    }
  } else if (o.requestCert === true && o.ca === undefined) {
    return Promise.resolve(
      err(invalidOption('ca', 'is required with requestCert: client certificates are checked against it')),
    );
  }
  const tls = secure ? nodeTls(o) : undefined;
  if (tls !== undefined && !tls.ok) return Promise.resolve(tls);
  // https.Server hands tls.Server a `{ ...options }` copy: every key it reads
  // is own here (node-options.ts), with https's own defaults for ALPN and
  // noDelay, so nothing comes from Object.prototype. tls.Server builds its
  // context from `this.ticketKeys` and `this.sessionTimeout`, which it sets
  // only when given (else they resolve through Object.prototype): both are
  // given, with Node's defaults (fresh random keys, 300 s).
  const server = secure
    ? createHttpsServer(
        nodeOptions(HTTPS_SERVER_KEYS, {
          ...tls!.value.options,
          requestCert: o.requestCert === true,
          rejectUnauthorized: true,
          ALPNProtocols: ['http/1.1'],
          noDelay: true,
          ticketKeys: randomBytes(48),
          sessionTimeout: 300,
        }),
      )
    : // Without options Node reads a frozen null-prototype object.
      createHttpServer();
  server.on('request', (_request, response) => {
    response.writeHead(426, { Connection: 'close', Upgrade: 'websocket', 'Content-Length': '0' });
    response.end();
  });
  const bindHost = o.host ?? '127.0.0.1';
  const bindPort = o.port ?? 0;
  const label = `${secure ? 'wss' : 'ws'}://${bindHost.includes(':') ? `[${bindHost}]` : bindHost}:${bindPort}`;
  return new Promise((resolve) => {
    const onError = (error: unknown): void => {
      server.off('listening', onListening);
      server.close();
      resolve(err(listenErrorFromNode(error, label)));
    };
    const onListening = (): void => {
      server.off('error', onError);
      // After binding, a server 'error' is one failed accept (EMFILE…): the
      // listener stays bound and keeps serving.
      server.on('error', () => {});
      resolve(ok(new WebSocketListener(setup(server, true, o, secure))));
    };
    server.once('error', onError);
    server.once('listening', onListening);
    // listen reads the object itself: a null prototype is enough (as in
    // @flowkit/socket's serve).
    server.listen(
      nodeOptions([], {
        host: bindHost,
        port: bindPort,
        ...(o.backlog === undefined ? {} : { backlog: o.backlog }),
      }),
    );
  });
}

/**
 * Serves flows on an application's own `http.Server` or `https.Server`
 * (already listening), next to its HTTP routes: upgrade requests for
 * `path` (or every path) become flows of the returned listener. Closing the
 * listener stops upgrading and leaves the server running. Throws a
 * `TypeError` if `server` is not an HTTP(S) server (a programming error).
 */
export function attach(
  server: HttpServer | HttpsServer,
  options: WebSocketServeOptions = {},
): Result<WebSocketListener, InvalidOptionError> {
  const given: unknown = server;
  if (!(given instanceof HttpServer) && !(given instanceof TlsServer)) {
    throw new TypeError(`attach: server must be an http.Server or https.Server, got ${show(server)}`);
  }
  const read = readOptions(options, serveTable);
  if (!read.ok) return read;
  if (server.address() === null || typeof server.address() === 'string') {
    return err(
      invalidOption('server', 'must be listening on a TCP port: call attach once server.listen() has bound'),
    );
  }
  return ok(new WebSocketListener(setup(server, false, read.value)));
}
