import type { Server, Socket } from 'node:net';
import { err, type Flow, type ListenError, type Listener, ok, type Result } from '@flowkit/flow-types';
import { listenErrorFromNode } from './errors.js';

/** What a transport tells {@link serve} about itself. */
export interface ServeHooks<F extends Flow, A> {
  /** Names the address in error messages, e.g. `127.0.0.1:0` or `/run/app.sock`. */
  readonly label: string;
  /** Wraps an accepted socket; called synchronously on `'connection'`. */
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

type Acceptor<F> = (result: Result<F, ListenError>) => void;

/**
 * A {@link Listener} over a Node `net.Server`: accepted sockets are wrapped at
 * once (their data goes to the flow's bounded read queue) and queued until
 * `accept` takes them. Shared by tcp, unix and tls.
 */
export class ServerListener<F extends Flow, A> implements Listener<F, A> {
  /** The bound address (port 0 → the real port). */
  readonly address: A;
  readonly #server: Server;
  readonly #hooks: ServeHooks<F, A>;
  #queue: F[] = [];
  #acceptors: Acceptor<F>[] = [];
  #state: 'listening' | 'closed' = 'listening';
  #closing: Promise<void> | undefined;

  /** Use {@link serve}. */
  constructor(server: Server, address: A, hooks: ServeHooks<F, A>) {
    this.#server = server;
    this.address = address;
    this.#hooks = hooks;
    server.on('connection', this.#onConnection);
    server.on('error', this.#onError);
  }

  readonly #onConnection = (socket: Socket): void => {
    if (this.#state === 'closed') {
      socket.destroy();
      return;
    }
    const flow = this.#hooks.wrap(socket, this.address);
    const acceptor = this.#acceptors.shift();
    if (acceptor !== undefined) acceptor(ok(flow));
    else this.#queue.push(flow);
  };

  readonly #onError = (error: unknown): void => {
    // An accept failure (EMFILE…): the server keeps listening; tell one waiter.
    const acceptor = this.#acceptors.shift();
    acceptor?.(err(listenErrorFromNode(error, this.#hooks.label)));
  };

  /**
   * The next incoming flow; connections that arrived earlier come first, in
   * order. After {@link ServerListener.close}: `{ type: 'closed' }`. An accept
   * failure reported by the OS (`EMFILE`, …) resolves one pending call with it;
   * the listener keeps listening.
   */
  accept(): Promise<Result<F, ListenError>> {
    const flow = this.#queue.shift();
    if (flow !== undefined) return Promise.resolve(ok(flow));
    if (this.#state === 'closed') return Promise.resolve(err(this.#closedError()));
    return new Promise((resolve) => {
      this.#acceptors.push(resolve);
    });
  }

  #closedError(): ListenError {
    return { type: 'closed', message: `listener on ${this.#hooks.label} is closed` };
  }

  /**
   * Stops accepting and releases the address. Accepted flows are left alone;
   * connections queued but not yet accepted are aborted. Pending and later
   * `accept` calls resolve `{ type: 'closed' }`. Idempotent; never rejects.
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#state = 'closed';
    const queued = this.#queue;
    this.#queue = [];
    for (const flow of queued) flow.abort(new Error('listener closed before accept'));
    const acceptors = this.#acceptors;
    this.#acceptors = [];
    for (const resolve of acceptors) resolve(err(this.#closedError()));
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

  /**
   * Accepts until the listener is closed, then ends. An accept failure the OS
   * reports (`EMFILE`, …) is skipped: the listener is still bound and keeps
   * accepting, so ending the loop would silently stop a server.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<F> {
    for (;;) {
      const result = await this.accept();
      if (result.ok) yield result.value;
      else if (result.error.type === 'closed') return;
    }
  }
}
