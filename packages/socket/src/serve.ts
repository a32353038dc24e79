import { createServer, type ListenOptions, type ServerOpts } from 'node:net';
import { err, type Flow, type ListenError, ok, type Result } from '@flowkit/flow-types';
import { listenErrorFromNode } from './errors.js';
import { type ServeHooks, ServerListener } from './listener.js';
import { nodeOptions, SERVER_KEYS } from './node-options.js';

/**
 * Creates a `net.Server` with `allowHalfOpen` (so accepted flows can
 * half-close) and `pauseOnConnect` (so a connection reads nothing before it
 * is accepted), binds it with `listenOptions`, and returns a
 * {@link ServerListener} holding at most `hooks.maxPending` unaccepted
 * connections. Bind failures are {@link ListenError} values.
 */
export function serve<F extends Flow, A>(
  serverOptions: ServerOpts,
  listenOptions: ListenOptions,
  hooks: ServeHooks<F, A>,
): Promise<Result<ServerListener<F, A>, ListenError>> {
  return new Promise((resolve) => {
    // Neither createServer nor listen may find an option on
    // Object.prototype: see nodeOptions.
    const server = createServer(
      nodeOptions(SERVER_KEYS, { ...serverOptions, allowHalfOpen: true, pauseOnConnect: true }),
    );
    let listener: ServerListener<F, A> | undefined;
    const onError = (error: unknown): void => {
      server.off('listening', onListening);
      server.close();
      resolve(err(listenErrorFromNode(error, hooks.label)));
    };
    const onListening = (): void => {
      server.off('error', onError);
      const address = hooks.describe(server);
      const problem = hooks.afterBind?.(server, address);
      if (problem !== undefined) {
        server.close();
        hooks.onClose?.(address);
        resolve(err(problem));
        return;
      }
      listener = new ServerListener(server, address, hooks);
      resolve(ok(listener));
    };
    server.once('error', onError);
    server.once('listening', onListening);
    try {
      server.listen(nodeOptions([], listenOptions));
    } catch (error) {
      // Thrown, not emitted: node:net's own validation (a port out of
      // range), or Deno's NotCapable/PermissionDenied without --allow-net.
      onError(error);
    }
  });
}
