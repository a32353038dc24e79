import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { err, type ListenError, type Result } from '@flowkit/flow-types';
import { fromNodeDuplex } from '@flowkit/node-duplex';
import { DEFAULT_MAX_PENDING, listenErrorFromNode, type ServerListener, serve } from '@flowkit/socket';
import { formatUnixAddress, netPath, type UnixAddress, type UnixFlow } from './address.js';
import { acquire } from './lock.js';
import { readListenOptions, type UnixListenOptions } from './options.js';
import { clearStaleSocket } from './stale.js';

/** A unix socket listener: `address` is `{ path }` or `{ name }`. */
export type UnixListener = ServerListener<UnixFlow, UnixAddress>;

/**
 * Binds a unix socket at `path` (or an abstract `name`) and accepts flows.
 *
 * A socket file already at `path` is removed only when it is a socket that
 * refuses connections (a stale leftover). A live socket is `in-use`; a
 * regular file, a directory or anything else is `exists`; neither is
 * touched. Replacing a stale file is safe against a concurrent `listen` of
 * the same path, in this process or another (Linux: a lock per path held
 * for the check, unlink and bind). `mode` is applied with chmod right after the bind, before any
 * connection is accepted. Closing the listener removes the socket file.
 *
 * Errors (values, never thrown): `invalid-option` (before any I/O, e.g. a
 * path over 107 bytes), `in-use`, `exists`, `permission`, `not-found` (a
 * missing parent directory), `io`.
 */
export async function listen(given: UnixListenOptions): Promise<Result<UnixListener, ListenError>> {
  // Read once: caller code (getters, Proxies) never runs after the checks.
  const read = readListenOptions(given);
  if (!read.ok) return err(read.error);
  const { options, target } = read;
  const label = formatUnixAddress(target);
  if (!('path' in target)) return bind(target, options, label);
  // Check, unlink and bind under the path's lock: two listens racing on one
  // stale path are served one after the other, and the second finds the
  // first one's live socket (in-use) instead of unlinking it.
  const lock = await acquire(target.path);
  if (lock === 'busy') {
    return err({
      type: 'in-use',
      message: `${target.path} is being bound by another listener`,
      code: 'EADDRINUSE',
    });
  }
  try {
    const problem = await clearStaleSocket(target.path);
    if (problem !== undefined) return err(problem);
    return await bind(target, options, label);
  } finally {
    lock?.release();
  }
}

function bind(
  target: UnixAddress,
  options: UnixListenOptions,
  label: string,
): Promise<Result<UnixListener, ListenError>> {
  let inode: number | undefined;
  return serve<UnixFlow, UnixAddress>(
    {},
    { path: netPath(target), backlog: options.backlog ?? DEFAULT_MAX_PENDING },
    {
      label,
      maxPending: Math.max(1, options.backlog ?? DEFAULT_MAX_PENDING),
      describe: () => target,
      afterBind: () => {
        if (!('path' in target)) return undefined;
        try {
          inode = lstatSync(target.path).ino;
          if (options.mode !== undefined) chmodSync(target.path, options.mode);
        } catch (error) {
          return listenErrorFromNode(error, target.path);
        }
        return undefined;
      },
      onClose: () => {
        if (!('path' in target) || inode === undefined) return;
        // libuv unlinks the file on close already; this covers the rest, and
        // never removes a file someone else put there since.
        try {
          if (lstatSync(target.path).ino === inode) unlinkSync(target.path);
        } catch {
          // gone already
        }
      },
      wrap: (socket) =>
        fromNodeDuplex<UnixAddress | undefined>(socket, {
          localAddress: target,
          remoteAddress: undefined,
          label,
          ...(options.readHighWaterMark === undefined
            ? {}
            : { readHighWaterMark: options.readHighWaterMark }),
        }),
    },
  );
}
