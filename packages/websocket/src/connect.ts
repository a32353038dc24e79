import { isIP } from 'node:net';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { type ConnectError, err, ok, type Result } from '@flowkit/flow-types';
import { boolean, integer, invalidOption, readOptions, signal, timeout } from '@flowkit/kernel';
import { nodeOptions } from '@flowkit/socket';
import { WebSocket } from 'ws';
import { armAttemptBounds } from './attempt-bounds.js';
import { cancelled } from './cancelled.js';
import { connectFailure, unexpectedResponse } from './connect-errors.js';
import { flowLimits, flowOptionTable, type WebSocketFlowOptions } from './flow-options.js';
import { WS_CLIENT_KEYS } from './node-options.js';
import { SUBPROTOCOL } from './protocol.js';
import { connectRefusal } from './runtime.js';
import { nodeTls, WSS_ONLY_CLIENT_OPTIONS, type WssClientOptions, wssClientTable } from './tls-options.js';
import { urlOption } from './url-option.js';
import { WebSocketFlow } from './websocket-flow.js';
import { wsMessageSocket } from './ws-socket.js';

/** Default receive limit for one message on Node: 16 MiB. */
export const DEFAULT_MAX_RECEIVED_MESSAGE_BYTES = 16 * 1024 * 1024;

/** Options of {@link connect} (Node). */
export interface WebSocketConnectOptions extends WebSocketFlowOptions, WssClientOptions {
  /** The `ws:` or `wss:` URL to dial. Required. `wss:` verifies the server (see the TLS options). */
  readonly url: string | URL;
  /**
   * Offer the `flowkit.v1` subprotocol and require the server to select it,
   * so `closeWrite` is a real half-close. `false` talks plain WebSocket to
   * any server (no half-close). Default `true`.
   */
  readonly halfClose?: boolean;
  /**
   * The largest message accepted from the server, in bytes; a larger one
   * fails the flow with `protocol` (Close 1009). Default 16 MiB.
   */
  readonly maxReceivedMessageBytes?: number;
  /** Gives up on the TCP, TLS and HTTP handshakes after this many ms: `{ type: 'timeout' }`. Default: none. */
  readonly timeout?: number;
  /** Cancels the dial: `{ type: 'aborted' }` (`timeout` when the reason is a `TimeoutError`). */
  readonly signal?: AbortSignal;
}

const connectTable = {
  ...flowOptionTable,
  ...wssClientTable,
  url: urlOption(),
  halfClose: boolean(),
  maxReceivedMessageBytes: integer({ min: 1 }),
  timeout: timeout(),
  signal: signal(),
} as const;

/**
 * Dials a WebSocket server and returns a {@link WebSocketFlow} once the
 * opening handshake is done. `wss:` is verified (chain and host name, TLS
 * 1.2 at least) unless `dangerouslyDisableVerification` is an own `true`.
 * Failures are values: `refused`, `not-found`, `certificate`, `handshake`
 * (TLS, or the HTTP upgrade: a status other than 101, no `flowkit.v1`),
 * `timeout`, `aborted`, `invalid-option`; on Bun, `unsupported-runtime` at
 * the call, before anything else (see the README's Runtimes). Never rejects.
 */
export function connect(given: WebSocketConnectOptions): Promise<Result<WebSocketFlow, ConnectError>> {
  const refused = connectRefusal();
  if (refused !== undefined) return Promise.resolve(err(refused));
  const read = readOptions(given, connectTable);
  if (!read.ok) return Promise.resolve(read);
  const o = read.value;
  if (o.url === undefined)
    return Promise.resolve(err(invalidOption('url', 'is required: the ws: or wss: URL to dial')));
  const url = o.url;
  const secure = url.protocol === 'wss:';
  if (!secure) {
    const tlsOnly = WSS_ONLY_CLIENT_OPTIONS.find((name) => o[name] !== undefined);
    if (tlsOnly !== undefined) {
      return Promise.resolve(
        err(invalidOption(tlsOnly, `applies only to wss: URLs, and url is ${url.href}`)),
      );
    }
  }
  const tls = secure ? nodeTls(o) : undefined;
  if (tls !== undefined && !tls.ok) return Promise.resolve(tls);
  const limits = flowLimits(o);
  const label = url.href;
  if (o.signal?.aborted) return Promise.resolve(err(cancelled(o.signal.reason, label)));

  const verify = o.dangerouslyDisableVerification !== true;
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const servername = o.servername ?? (isIP(hostname) === 0 ? hostname : '');
  const checkName = o.servername ?? hostname;
  // `ws`, http's ClientRequest and tls.connect each copy the options into a
  // plain object: every key they read is own (node-options.ts), so none comes
  // from a polluted Object.prototype, and the security-relevant ones are set.
  const tlsOptions = secure
    ? {
        secureContext: tls!.value.context,
        servername,
        rejectUnauthorized: verify,
        // @types/ws declares this callback wrongly (returning boolean); Node's contract is Error | undefined.
        checkServerIdentity: (verify
          ? (_host: string, cert: PeerCertificate) => checkServerIdentity(checkName, cert)
          : () => undefined) as never,
      }
    : {};
  const ws = new WebSocket(
    url,
    o.halfClose === false ? [] : [SUBPROTOCOL],
    nodeOptions(WS_CLIENT_KEYS, {
      perMessageDeflate: false,
      followRedirects: false,
      maxPayload: o.maxReceivedMessageBytes ?? DEFAULT_MAX_RECEIVED_MESSAGE_BYTES,
      ...tlsOptions,
    }),
  );

  return new Promise((resolve) => {
    let disarm = (): void => {};
    const settle = () => {
      disarm();
      ws.removeAllListeners();
    };
    const fail = (error: ConnectError) => {
      settle();
      // The handshake is abandoned: ws reports it once more as 'error'.
      ws.on('error', () => {});
      ws.terminate();
      resolve(err(error));
    };
    ws.once('open', () => {
      settle();
      resolve(ok(new WebSocketFlow(wsMessageSocket(ws), label, limits)));
    });
    ws.on('unexpected-response', (_request, response) =>
      fail(unexpectedResponse(response.statusCode ?? 0, response.statusMessage ?? '', label)),
    );
    ws.on('error', (error) => fail(connectFailure(error, label)));
    disarm = armAttemptBounds(o, label, fail);
  });
}
