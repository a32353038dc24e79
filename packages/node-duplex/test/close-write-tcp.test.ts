// The socket closeWrite cases (shared with tcp and unix) straight over
// fromNodeDuplex on loopback TCP, so this package's own run checks the RST
// during a flush and the reset probe ahead of the FIN.
import { type AddressInfo, createServer, connect as netConnect, type Socket } from 'node:net';
import type { ServerListener } from '@flowkit/socket';
import { describe, expect, it, vi } from 'vitest';
import { socketCloseWrite } from '../../../tooling/testing/socket-close-write.js';
import { fromNodeDuplex, type SocketFlow } from '../src/index.js';
import { tcpPair } from './helpers.js';

const listeners: ServerListener<SocketFlow<{ port: number }>, { port: number }>[] = [];

socketCloseWrite({
  name: 'fromNodeDuplex over loopback TCP',
  resets: true,
  async makePair() {
    const { a, b, listener } = await tcpPair();
    listeners.push(listener);
    return [a, b];
  },
  async cleanup() {
    await Promise.all(listeners.splice(0).map((l) => l.close()));
  },
});

describe('abort while closeWrite is still flushing (loopback TCP)', () => {
  it('sends an RST (resetAndDestroy) while data still waits in Node, not the graceful close that would end a cut-short stream with EOF', async () => {
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
      const dialer = netConnect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });
      await new Promise((resolve) => dialer.once('connect', resolve));
      const acceptor = await accepted; // paused, never read: the 16 MiB stay queued in Node
      acceptor.on('error', () => {});
      const a = fromNodeDuplex(dialer);
      const chunk = new Uint8Array(1 << 20);
      const writes = Array.from({ length: 16 }, () => a.write(chunk));
      const closing = a.closeWrite();
      expect(dialer.writableEnded && dialer.writableLength > 0).toBe(true);
      const reset = vi.spyOn(dialer, 'resetAndDestroy');
      const destroy = vi.spyOn(dialer, 'destroy');
      a.abort(new Error('deadline'));
      expect(reset).toHaveBeenCalledTimes(1);
      expect(destroy.mock.calls.every((call) => call.length === 0)).toBe(true);
      expect((await closing).ok).toBe(false);
      await Promise.all(writes);
      acceptor.destroy();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
