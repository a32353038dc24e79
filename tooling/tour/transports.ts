import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Flow, formatError, type Listener, type Result } from '@flowkit/flow-types';
import { pair } from '@flowkit/memory';
import * as tcp from '@flowkit/tcp';
import * as tls from '@flowkit/tls';
import * as unix from '@flowkit/unix';
import * as websocket from '@flowkit/websocket';
import { makeCertificates, type TourCertificates } from './certs.js';

/** One row of the tour: how to make connected pairs, and how to clean up. */
export interface TourTransport {
  readonly name: string;
  /** Binds whatever the transport needs (a port, a socket file, a CA). */
  open(): Promise<OpenTransport>;
}

export interface OpenTransport {
  /** A fresh connected pair: [dialer, acceptor]. */
  pair(): Promise<readonly [Flow, Flow]>;
  /** Closes listeners and removes files. Safe to call twice. */
  dispose(): Promise<void>;
}

function unwrap<T>(what: string, r: Result<T, Parameters<typeof formatError>[0]>): T {
  if (!r.ok) throw new Error(`${what}: ${formatError(r.error)}`);
  return r.value;
}

/** Dial and accept concurrently; a failure on either side aborts the other. */
async function dialAndAccept<F extends Flow>(
  listener: Listener<F>,
  dial: () => Promise<Result<Flow, Parameters<typeof formatError>[0]>>,
): Promise<readonly [Flow, Flow]> {
  const [dialed, accepted] = await Promise.all([dial(), listener.accept()]);
  if (!dialed.ok || !accepted.ok) {
    if (dialed.ok) dialed.value.abort();
    if (accepted.ok) accepted.value.abort();
  }
  return [unwrap('connect', dialed), unwrap('accept', accepted)];
}

let certificates: Promise<TourCertificates> | undefined;
const tourCertificates = () => {
  certificates ??= makeCertificates();
  return certificates;
};

const memory: TourTransport = {
  name: 'memory',
  async open() {
    return { pair: async () => pair(), dispose: async () => {} };
  },
};

const tcpRow: TourTransport = {
  name: 'tcp',
  async open() {
    const listener = unwrap('listen', await tcp.listen({ host: '127.0.0.1', port: 0 }));
    const { port } = listener.address;
    return {
      pair: () => dialAndAccept(listener, () => tcp.connect({ host: '127.0.0.1', port })),
      dispose: () => listener.close(),
    };
  },
};

const unixRow: TourTransport = {
  name: 'unix',
  async open() {
    const dir = await mkdtemp(join(tmpdir(), 'flowkit-tour-'));
    const path = join(dir, 'tour.sock');
    const listener = unwrap('listen', await unix.listen({ path }));
    return {
      pair: () => dialAndAccept(listener, () => unix.connect({ path })),
      dispose: async () => {
        await listener.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
};

const tlsTcp: TourTransport = {
  name: 'tls over tcp',
  async open() {
    const { ca, cert, key } = await tourCertificates();
    const listener = unwrap('listen', await tls.listen({ host: '127.0.0.1', port: 0, cert, key }));
    const { port } = listener.address;
    return {
      pair: () =>
        dialAndAccept(listener, () => tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost' })),
      dispose: () => listener.close(),
    };
  },
};

const tlsMemory: TourTransport = {
  name: 'tls over memory',
  async open() {
    const { ca, cert, key } = await tourCertificates();
    return {
      async pair() {
        const [a, b] = pair();
        const [client, server] = await Promise.all([
          tls.wrapClient(a, { ca, servername: 'localhost' }),
          tls.wrapServer(b, { cert, key }),
        ]);
        if (!client.ok || !server.ok) {
          a.abort();
          b.abort();
        }
        return [unwrap('wrapClient', client), unwrap('wrapServer', server)];
      },
      dispose: async () => {},
    };
  },
};

const websocketRow: TourTransport = {
  name: 'websocket (wss:, flowkit.v1)',
  async open() {
    const { ca, cert, key } = await tourCertificates();
    const listener = unwrap('listen', await websocket.listen({ host: '127.0.0.1', port: 0, cert, key }));
    const { url } = listener.address;
    return {
      pair: () => dialAndAccept(listener, () => websocket.connect({ url, ca, servername: 'localhost' })),
      dispose: () => listener.close(),
    };
  },
};

export const transports: readonly TourTransport[] = [
  memory,
  tcpRow,
  unixRow,
  tlsTcp,
  tlsMemory,
  websocketRow,
];
