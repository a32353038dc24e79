import { type ConnectError, err, ok, type Result } from '@flowkit/flow-types';
import { boolean, invalidOption, readOptions, refused, signal, timeout } from '@flowkit/kernel';
import { armAttemptBounds } from './attempt-bounds.js';
import { browserMessageSocket } from './browser-socket.js';
import { cancelled } from './cancelled.js';
import { flowLimits, flowOptionTable, type WebSocketFlowOptions } from './flow-options.js';
import { SUBPROTOCOL } from './protocol.js';
import { urlOption } from './url-option.js';
import { WebSocketFlow } from './websocket-flow.js';

/** Options of the runtime-neutral {@link connect} (browsers, Deno). */
export interface BrowserConnectOptions extends WebSocketFlowOptions {
  /** The `ws:` or `wss:` URL to dial. Required. The runtime verifies `wss:` itself, always. */
  readonly url: string | URL;
  /**
   * Offer the `flowkit.v1` subprotocol and require the server to select it
   * (a real half-close). `false` talks plain WebSocket. Default `true`.
   */
  readonly halfClose?: boolean;
  /** Gives up on the opening handshake after this many ms: `{ type: 'timeout' }`. Default: none. */
  readonly timeout?: number;
  /** Cancels the dial: `{ type: 'aborted' }` (`timeout` when the reason is a `TimeoutError`). */
  readonly signal?: AbortSignal;
}

const VERIFIED_BY_RUNTIME = 'the runtime verifies wss: itself and offers no way to change it';

const browserConnectTable = {
  ...flowOptionTable,
  url: urlOption(),
  halfClose: boolean(),
  timeout: timeout(),
  signal: signal(),
  // Node-only TLS options: refused rather than silently ignored.
  ca: refused(VERIFIED_BY_RUNTIME),
  cert: refused('client certificates are chosen by the browser'),
  key: refused('client certificates are chosen by the browser'),
  servername: refused(VERIFIED_BY_RUNTIME),
  dangerouslyDisableVerification: refused(VERIFIED_BY_RUNTIME),
  rejectUnauthorized: refused(VERIFIED_BY_RUNTIME),
} as const;

/**
 * Dials a WebSocket server with the platform `WebSocket` and returns a
 * {@link WebSocketFlow} once it is open. No `node:` imports: runs in
 * browsers, Deno and workers. Browsers do not say why a connection failed
 * (refused, certificate, HTTP status all look alike), so such failures are
 * `io` with the URL in the message. Never rejects.
 */
export function connect(given: BrowserConnectOptions): Promise<Result<WebSocketFlow, ConnectError>> {
  const read = readOptions(given, browserConnectTable);
  if (!read.ok) return Promise.resolve(read);
  const o = read.value;
  if (o.url === undefined) {
    return Promise.resolve(err(invalidOption('url', 'is required: the ws: or wss: URL to dial')));
  }
  const label = o.url.href;
  const Platform = (globalThis as { WebSocket?: typeof WebSocket }).WebSocket;
  if (Platform === undefined) {
    return Promise.resolve(
      err({ type: 'io', message: `cannot dial ${label}: this runtime has no WebSocket` }),
    );
  }
  if (o.signal?.aborted) return Promise.resolve(err(cancelled(o.signal.reason, label)));
  const halfClose = o.halfClose !== false;
  let ws: WebSocket;
  try {
    ws = new Platform(label, halfClose ? [SUBPROTOCOL] : []);
  } catch (cause) {
    // SecurityError: a port the browser blocks, or ws: from an https: page.
    return Promise.resolve(
      err({ type: 'permission', message: `the runtime refused to dial ${label}: ${String(cause)}`, cause }),
    );
  }
  ws.binaryType = 'arraybuffer';
  const limits = flowLimits(o);

  return new Promise((resolve) => {
    let disarm = (): void => {};
    const settle = (): void => {
      disarm();
      ws.removeEventListener('open', onOpen);
      ws.removeEventListener('close', onClose);
      ws.removeEventListener('error', onError);
    };
    const fail = (error: ConnectError): void => {
      settle();
      ws.close();
      resolve(err(error));
    };
    const onOpen = (): void => {
      if (halfClose && ws.protocol !== SUBPROTOCOL) {
        fail({
          type: 'handshake',
          message: `WebSocket handshake with ${label} failed: the server did not select ${SUBPROTOCOL}; pass halfClose: false to talk plain WebSocket`,
        });
        return;
      }
      settle();
      resolve(ok(new WebSocketFlow(browserMessageSocket(ws), label, limits)));
    };
    const onClose = (event: CloseEvent): void =>
      fail({
        type: 'io',
        message: `WebSocket connection to ${label} failed before it opened (code ${event.code}); the runtime does not say why: nothing listening, a rejected certificate or an HTTP error look alike`,
      });
    // 'error' says nothing more than the 'close' after it; listening keeps
    // implementations that throw on an unheard 'error' (Node's ws) quiet.
    const onError = (): void => {};
    ws.addEventListener('open', onOpen);
    ws.addEventListener('close', onClose);
    ws.addEventListener('error', onError);
    disarm = armAttemptBounds(o, label, fail);
  });
}
