import type { Server, Socket } from 'node:net';
import type { Flow, ListenError, Listener, Result } from '@flowkit/flow-types';
import { AcceptQueue } from '@flowkit/kernel';

/** What a transport tells {@link serve} about itself. */
export interface ServeHooks<F extends Flow, A> {
  /** Names the address in error messages, e.g. `127.0.0.1:0` or `/run/app.sock`. */
  readonly label: string;
  /**
   * Connections held while nobody accepts them; the next one is refused
   * (see {@link ServerListener}). An integer ≥ 1. Default 511.
   */
  readonly maxPending?: number;
  /**
   * Wraps an accepted socket; called synchronously on `'connection'`. The
   * socket arrives paused (`pauseOnConnect`): a `SocketFlow` keeps it so
   * until its first `read()`, so nothing is read before `accept`.
   */
  readonly wrap: (socket: Socket, address: A) => F;
  /** Describes the bound address (called once, right after the bind). */
  readonly describe: (server: Server) => A;
  /**
   * Runs synchronously right after the bind, before any connection is
   * accepted (unix sets the socket file's mode here). An error closes the
   * server and becomes the result of {@link serve}.
   */
  readonly afterBind?: (server: Server, address: A) => ListenError | undefined;
  /** Runs after the server is closed (unix removes its socket file). */
  readonly onClose?: (address: A) => void;
}

/** How many connections a listener holds unaccepted by default (Node's default listen backlog). */
export const DEFAULT_MAX_PENDING = 511;

/**
 * Refuses a connection the listener will not hold: an RST on TCP (the peer
 * reads `reset` at once instead of writing into a connection nobody will
 * read); a unix socket has no RST and is closed.
 */
function refuse(socket: Socket): void {
  socket.on('error', () => {});
  try {
    socket.resetAndDestroy();
  } catch {
    // ERR_INVALID_HANDLE_TYPE: not TCP
    socket.destroy();
  }
}

/**
 * A {@link Listener} over a Node `net.Server`, on the kernel's
 * `AcceptQueue`. Shared by tcp, unix and tls.
 *
 * - The server accepts with `pauseOnConnect`: a connection nobody has
 *   accepted reads nothing (its data waits in the OS, whose window then
 *   stops the peer), and is held, wrapped, in a queue of at most
 *   `maxPending` connections.
 * - Beyond that bound a new connection is refused at once: RST on TCP, a
 *   plain close on unix. Memory stays bounded whatever peers do.
 * - An accept failure the OS reports (`EMFILE`…) costs that one connection
 *   (libuv closes it); the listener keeps listening and no `accept` sees it.
 */
export class ServerListener<F extends Flow, A> implements Listener<F, A> {
  /** The bound address (port 0 → the real port). */
  readonly address: A;
  readonly #server: Server;
  readonly #hooks: ServeHooks<F, A>;
  readonly #queue: AcceptQueue<F>;
  #closing: Promise<void> | undefined;

  /** Use `serve`. */
  constructor(server: Server, address: A, hooks: ServeHooks<F, A>) {
    this.#server = server;
    this.address = address;
    this.#hooks = hooks;
    this.#queue = new AcceptQueue<F>({ limit: hooks.maxPending ?? DEFAULT_MAX_PENDING, label: hooks.label });
    server.on('connection', this.#onConnection);
    // See the class comment: not a listener failure.
    server.on('error', () => {});
  }

  readonly #onConnection = (socket: Socket): void => {
    const queue = this.#queue;
    // When full there is no waiting accept (waits happen only on an empty
    // queue), so refuse before building a flow for it.
    if (queue.ended || queue.full) {
      refuse(socket);
      return;
    }
    queue.push(this.#hooks.wrap(socket, this.address));
  };

  /**
   * The next incoming flow; connections that arrived earlier come first, in
   * order. After {@link ServerListener.close}: `{ type: 'closed' }`.
   */
  accept(): Promise<Result<F, ListenError>> {
    return this.#queue.accept();
  }

  /** Connections waiting for `accept` (at most `maxPending`). */
  get pending(): number {
    return this.#queue.size;
  }

  /**
   * Stops accepting and releases the address. Accepted flows are left alone;
   * connections queued but not yet accepted are aborted. Pending and later
   * `accept` calls resolve `{ type: 'closed' }`. Idempotent; never rejects.
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#queue.close(new Error(`listener on ${this.#hooks.label} closed before accept`));
    // server.close() releases the listening handle now; its callback would
    // wait for every accepted connection, which the contract leaves open.
    this.#server.close();
    this.#closing = new Promise<void>((resolve) => {
      setImmediate(() => {
        this.#hooks.onClose?.(this.address);
        resolve();
      });
    });
    return this.#closing;
  }

  /** Yields accepted flows until the listener is closed (the kernel's one `for await` behaviour). */
  [Symbol.asyncIterator](): AsyncIterator<F> {
    return this.#queue[Symbol.asyncIterator]();
  }
}
