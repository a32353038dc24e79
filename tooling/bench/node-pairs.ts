import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import DuplexPair from 'duplexpair';
import type { Certificate } from './certs.js';
import { corePair } from './core-pair.js';

/** Per-connection choices every pair factory honours. */
export interface PairOptions {
  /** Sets TCP_NODELAY on both ends (ping-pong); ignored where there is no Nagle. */
  readonly noDelay: boolean;
}

/** Two connected Node streams, both ends in this process. */
export interface NodePair {
  /** The dialing end: the writer in bulk cases, the pinger in ping-pong. */
  readonly a: Duplex;
  /** The accepting end. */
  readonly b: Duplex;
}

/** Makes connected Node stream pairs for one transport; `dispose` closes servers and files. */
export interface NodePairSource {
  pair(options: PairOptions): Promise<NodePair>;
  dispose(): Promise<void>;
}

/** Turns a server's `'connection'` events into something that can be awaited in order. */
class Acceptor<S> {
  private readonly queued: S[] = [];
  private readonly waiting: ((s: S) => void)[] = [];
  push(socket: S): void {
    const next = this.waiting.shift();
    if (next) next(socket);
    else this.queued.push(socket);
  }
  next(): Promise<S> {
    const socket = this.queued.shift();
    if (socket !== undefined) return Promise.resolve(socket);
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}

/**
 * Failures reach the workloads through their own `'error'` listeners; this
 * one only stops a reset that arrives after teardown from crashing the run.
 */
function quiet(socket: net.Socket): void {
  socket.on('error', () => {});
}

async function closeServer(server: net.Server): Promise<void> {
  if (!server.listening) return;
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Plain `net` sockets over TCP on 127.0.0.1 or over a unix socket in a temp dir. */
export async function netSource(kind: 'tcp' | 'unix'): Promise<NodePairSource> {
  const accepted = new Acceptor<net.Socket>();
  const live = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    quiet(socket);
    live.add(socket);
    socket.once('close', () => live.delete(socket));
    accepted.push(socket);
  });
  const dir = kind === 'unix' ? await mkdtemp(join(tmpdir(), 'flowkit-bench-')) : undefined;
  const path = dir === undefined ? undefined : join(dir, 'raw.sock');
  server.listen(path ?? { host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const address = server.address();
  return {
    async pair({ noDelay }) {
      const a =
        path === undefined
          ? net.connect({ host: '127.0.0.1', port: (address as net.AddressInfo).port, noDelay })
          : net.connect({ path });
      quiet(a);
      live.add(a);
      a.once('close', () => live.delete(a));
      const [b] = await Promise.all([accepted.next(), once(a, 'connect')]);
      if (kind === 'tcp') b.setNoDelay(noDelay);
      return { a, b };
    },
    async dispose() {
      for (const socket of live) socket.destroy();
      await closeServer(server);
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Node's `tls` over TCP on 127.0.0.1, verifying the throwaway certificate. */
export async function tlsSource(certificate: Certificate): Promise<NodePairSource> {
  const accepted = new Acceptor<tls.TLSSocket>();
  const live = new Set<net.Socket>();
  const server = tls.createServer({ key: certificate.key, cert: certificate.cert }, (socket) => {
    quiet(socket);
    live.add(socket);
    socket.once('close', () => live.delete(socket));
    accepted.push(socket);
  });
  server.listen({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  return {
    async pair({ noDelay }) {
      const a = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: certificate.cert });
      a.setNoDelay(noDelay);
      quiet(a);
      live.add(a);
      a.once('close', () => live.delete(a));
      const [b] = await Promise.all([accepted.next(), once(a, 'secureConnect')]);
      b.setNoDelay(noDelay);
      return { a, b };
    },
    async dispose() {
      for (const socket of live) socket.destroy();
      await closeServer(server);
    },
  };
}

/** The npm `duplexpair` package: the usual answer to "two connected streams in memory". */
export const duplexPairSource: NodePairSource = {
  async pair() {
    const { socket1, socket2 } = new DuplexPair();
    // duplexpair builds on the readable-stream copy of Node streams; the
    // surface used here (write, 'drain', 'data', end, destroy) is the same.
    return { a: socket1 as unknown as Duplex, b: socket2 as unknown as Duplex };
  },
  async dispose() {},
};

/** The hand-made synchronous core `Duplex` pair (see `core-pair.ts`). */
export const corePairSource: NodePairSource = {
  async pair() {
    const [a, b] = corePair();
    return { a, b };
  },
  async dispose() {},
};
