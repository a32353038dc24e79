import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { nodeOptions, SERVER_KEYS } from '@flowkit/socket';

/** How long `listen` waits for another `listen` of the same path to finish, in ms. */
const WAIT_MS = 5_000;

/**
 * A lock per socket path that every flowkit `listen`, in this process or
 * another, takes for the check-unlink-bind of a stale socket file, so two
 * listeners racing on one stale path cannot both "replace" it (the second
 * one unlinking the first one's fresh socket).
 *
 * The lock is a Linux abstract unix socket named after a hash of the path:
 * binding it is atomic, a second bind fails with EADDRINUSE, and the kernel
 * releases it when the process dies, so a crash never leaves a stale lock
 * (a lock file would). Other platforms have no abstract names: there
 * `acquire` returns `undefined` and the race is not guarded (see README).
 */
export interface PathLock {
  release(): void;
}

function bindName(name: string): Promise<Server | 'busy' | undefined> {
  return new Promise((resolve) => {
    // Options built by nodeOptions: a polluted Object.prototype must not
    // steer the lock (a `port` there would make listen bind TCP instead).
    const server = createServer(nodeOptions(SERVER_KEYS, {}));
    server.once('error', (error: NodeJS.ErrnoException) => {
      server.close();
      // Busy: another listen holds it. Anything else: no lock to be had
      // here (a sandbox refusing abstract sockets); go on without one.
      resolve(error.code === 'EADDRINUSE' ? 'busy' : undefined);
    });
    server.once('listening', () => resolve(server));
    server.listen(nodeOptions([], { path: name }));
  });
}

/**
 * Takes the lock of `path`, waiting (up to 5 s) while another listen holds
 * it. `'busy'` when it stayed held that long; `undefined` where there is no
 * such lock (not Linux).
 */
export async function acquire(path: string): Promise<PathLock | 'busy' | undefined> {
  if (process.platform !== 'linux') return undefined;
  const name = `\0flowkit-unix-listen-${createHash('sha256').update(path).digest('hex')}`;
  const deadline = Date.now() + WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    const got = await bindName(name);
    if (got === undefined) return undefined;
    if (got !== 'busy') return { release: () => got.close() };
    if (Date.now() >= deadline) return 'busy';
    await new Promise((resolve) => setTimeout(resolve, Math.min(25, 1 + attempt)));
  }
}
