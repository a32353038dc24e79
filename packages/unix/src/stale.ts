import { lstat, stat, unlink } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import type { ListenError } from '@flowkit/flow-types';
import { listenErrorFromNode } from '@flowkit/socket';

function probe(path: string): Promise<'live' | 'stale' | { error: unknown }> {
  return new Promise((resolve) => {
    const socket = connect({ path });
    socket.once('connect', () => {
      socket.destroy();
      resolve('live');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.destroy();
      resolve(error.code === 'ECONNREFUSED' ? 'stale' : { error });
    });
  });
}

/**
 * Makes `path` free for a bind without ever destroying something that is not
 * a dead socket: nothing there → fine; a socket that refuses connections →
 * removed; a live socket → `in-use`; anything else (a file, a directory, a
 * symlink) → `exists`.
 */
export async function clearStaleSocket(path: string): Promise<ListenError | undefined> {
  let stats: Awaited<ReturnType<typeof lstat>>;
  try {
    stats = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return checkParent(path);
    return listenErrorFromNode(error, path);
  }
  if (!stats.isSocket()) {
    return {
      type: 'exists',
      message: `${path} exists and is not a socket; it was left alone`,
      code: 'EEXIST',
    };
  }
  const state = await probe(path);
  if (state === 'live') {
    return {
      type: 'in-use',
      message: `${path} is a live socket: another process is listening on it`,
      code: 'EADDRINUSE',
    };
  }
  if (state !== 'stale') return listenErrorFromNode(state.error, path);
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return listenErrorFromNode(error, path);
  }
  return undefined;
}

/**
 * libuv reports a failed unix bind in a missing directory as EACCES (for
 * parity with Windows), which would read as "permission denied"; look first.
 */
async function checkParent(path: string): Promise<ListenError | undefined> {
  const parent = dirname(path);
  try {
    const stats = await stat(parent);
    if (stats.isDirectory()) return undefined;
    return {
      type: 'not-found',
      message: `${parent} is not a directory, so ${path} cannot be bound`,
      code: 'ENOTDIR',
    };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return {
        type: 'not-found',
        message: `directory ${parent} does not exist, so ${path} cannot be bound`,
        code,
      };
    }
    return listenErrorFromNode(error, path);
  }
}
