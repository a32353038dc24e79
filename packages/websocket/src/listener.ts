import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ListenError, Listener, Result } from '@flowkit/flow-types';
import { AcceptQueue } from '@flowkit/kernel';
import { WebSocketServer } from 'ws';
import { holdReading } from './held-socket.js';
import { SUBPROTOCOL } from './protocol.js';
import { WebSocketFlow, type WebSocketFlowLimits } from './websocket-flow.js';
import { wsMessageSocket } from './ws-socket.js';

/** Where a {@link WebSocketListener} accepts: the bound address and the URL clients dial. */
export interface WebSocketAddress {
  /** The bound IP address (`127.0.0.1`, `::1`…). */
  readonly host: string;
  /** The bound port (port 0 becomes the port the OS picked). */
  readonly port: number;
  /** `IPv4` or `IPv6`. */
  readonly family: 'IPv4' | 'IPv6';
  /** The only request path upgraded, or `undefined` when every path is. */
  readonly path: string | undefined;
  /** The URL to dial: `ws://127.0.0.1:8080/path`, or `wss:` on a TLS server. */
  readonly url: string;
}

/** What a {@link WebSocketListener} was built with (already checked). */
export interface ListenerSetup {
  readonly server: HttpServer | HttpsServer;
  /** `listen` owns its server and closes it; `attach` leaves the application's server alone. */
  readonly owned: boolean;
  readonly secure: boolean;
  readonly path: string | undefined;
  readonly halfClose: boolean;
  readonly maxPending: number;
  readonly maxReceivedMessageBytes: number;
  readonly limits: WebSocketFlowLimits;
}

/** Flows held before anyone accepts them, by default; more upgrades are refused with HTTP 503. */
export const DEFAULT_MAX_PENDING = 128;

function describe(
  server: HttpServer | HttpsServer,
  secure: boolean,
  path: string | undefined,
): WebSocketAddress {
  const info = server.address() as AddressInfo;
  const family = info.family === 'IPv6' ? 'IPv6' : 'IPv4';
  const host = family === 'IPv6' ? `[${info.address}]` : info.address;
  return {
    host: info.address,
    port: info.port,
    family,
    path,
    url: `${secure ? 'wss' : 'ws'}://${host}:${info.port}${path ?? '/'}`,
  };
}

/** The path of a request target, or undefined when it does not parse (never a throw inside an event handler). */
function pathOf(target: string | undefined): string | undefined {
  try {
    return new URL(target ?? '/', 'ws://host').pathname;
  } catch {
    return undefined;
  }
}

function refuse(socket: Duplex, status: string): void {
  // Node's HTTP server stops listening for errors on a socket it hands to
  // 'upgrade': a client that resets now must not crash the process.
  socket.on('error', () => {});
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
}

/**
 * A WebSocket listener: a `Listener<WebSocketFlow, WebSocketAddress>` that
 * upgrades HTTP requests (on `address.path`, or every path) into flows.
 * Upgrades beyond `maxPending` unaccepted flows are answered HTTP 503, so a
 * client that is not accepted hears so at once instead of hanging.
 */
export class WebSocketListener implements Listener<WebSocketFlow, WebSocketAddress> {
  /** The bound address and the URL to dial. */
  readonly address: WebSocketAddress;
  readonly #setup: ListenerSetup;
  readonly #queue: AcceptQueue<WebSocketFlow>;
  readonly #wss: WebSocketServer;
  readonly #onUpgrade: (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** Starts reading a queued flow's connection, once `accept` hands it out. */
  readonly #releases = new WeakMap<WebSocketFlow, () => void>();
  #closing: Promise<void> | undefined;

  /** Internal: use `listen` or `attach`. */
  constructor(setup: ListenerSetup) {
    this.#setup = setup;
    this.address = describe(setup.server, setup.secure, setup.path);
    this.#queue = new AcceptQueue({
      limit: setup.maxPending,
      label: this.address.url,
      onAccept: (flow) => {
        this.#releases.get(flow)?.();
        this.#releases.delete(flow);
      },
    });
    this.#wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: setup.maxReceivedMessageBytes,
      handleProtocols: (offered) => (setup.halfClose && offered.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    });
    this.#onUpgrade = (request, socket, head) => this.#upgrade(request, socket, head);
    setup.server.on('upgrade', this.#onUpgrade);
  }

  /** {@link Listener.accept}: the next flow, in arrival order; `closed` after {@link WebSocketListener.close}. */
  accept(): Promise<Result<WebSocketFlow, ListenError>> {
    return this.#queue.accept();
  }

  /**
   * Stops accepting: upgrades are no longer handled, queued flows are
   * aborted, pending and later accepts resolve `closed`. A server `listen`
   * made is closed (its address released); a server given to `attach` is
   * left running. Accepted flows are left alone. Idempotent; never rejects.
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#setup.server.off('upgrade', this.#onUpgrade);
    this.#queue.close();
    if (this.#setup.owned) {
      // close() releases the listening handle now; its callback would wait
      // for every upgraded connection, which the contract leaves open.
      this.#setup.server.close();
    }
    this.#closing = new Promise((resolve) => setImmediate(resolve));
    return this.#closing;
  }

  /** Yields accepted flows until the listener is closed. */
  [Symbol.asyncIterator](): AsyncIterator<WebSocketFlow> {
    return this.#queue[Symbol.asyncIterator]();
  }

  #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = this.#setup.path;
    if (path !== undefined && pathOf(request.url) !== path) {
      // On an application's server another 'upgrade' handler may own that path.
      if (this.#setup.owned) refuse(socket, '404 Not Found');
      return;
    }
    if (this.#queue.ended || this.#queue.full) {
      refuse(socket, '503 Service Unavailable');
      return;
    }
    const remote = `${request.socket.remoteAddress}:${request.socket.remotePort}`;
    this.#wss.handleUpgrade(request, socket, head, (ws) => {
      // Paused before any I/O callback can run: nothing past the upgrade
      // request is read until accept (ws buffers at most the `head` bytes).
      const held = holdReading(wsMessageSocket(ws));
      const flow = new WebSocketFlow(held.socket, remote, this.#setup.limits);
      this.#releases.set(flow, held.release);
      // Full or closed between the check and the handshake: the client sees a drop.
      if (!this.#queue.push(flow)) flow.abort(new Error(`listener on ${this.address.url} refused the flow`));
    });
  }
}
