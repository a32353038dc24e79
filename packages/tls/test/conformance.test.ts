import { flowConformance, listenerConformance } from '@flowkit/conformance';
import type { Flow } from '@flowkit/flow-types';
import { pair } from '@flowkit/memory';
import { afterAll, beforeAll } from 'vitest';
import { connect, listen, type TlsListener, wrapClient, wrapServer } from '../src/index.js';
import { type CertMatrix, makeCertMatrix } from './support/certs.js';

let m: CertMatrix;
beforeAll(() => {
  m = makeCertMatrix();
});
afterAll(() => m.cleanup());

const open: TlsListener[] = [];
async function cleanup(): Promise<void> {
  await Promise.all(open.splice(0).map((l) => l.close()));
}

// One options object per side, so the secure contexts are built once.
const serverOptions = () => ({ cert: m.good.chain, key: m.good.key });

flowConformance({
  name: 'tls over tcp',
  makePair: async () => {
    const l = await listen({ ...serverOptions(), host: '127.0.0.1', port: 0 });
    if (!l.ok) throw new Error(l.error.message);
    open.push(l.value);
    const [c, s] = await Promise.all([
      connect({ host: '127.0.0.1', servername: 'localhost', port: l.value.address.port, ca: m.root.cert }),
      l.value.accept(),
    ]);
    if (!c.ok) throw new Error(c.error.message);
    if (!s.ok) throw new Error(s.error.message);
    return [c.value, s.value] as const;
  },
  cleanup,
});

flowConformance({
  name: 'tls over memory',
  makePair: async () => {
    const [a, b] = pair();
    const [c, s] = await Promise.all([
      wrapClient(a, { ca: m.root.cert, servername: 'localhost' }),
      wrapServer(b, serverOptions()),
    ]);
    if (!c.ok) throw new Error(c.error.message);
    if (!s.ok) throw new Error(s.error.message);
    return [c.value, s.value] as readonly [Flow, Flow];
  },
});

listenerConformance({
  name: 'tls',
  listen: async () => {
    const l = await listen({ ...serverOptions(), host: '127.0.0.1', port: 0 });
    if (l.ok) open.push(l.value);
    return l;
  },
  connect: (listener) =>
    connect({
      host: '127.0.0.1',
      servername: 'localhost',
      port: (listener.address as { port: number }).port,
      ca: m.root.cert,
    }),
  connectToNothing: async () => {
    // Bind a port, release it, then dial it: nobody listens there now.
    const l = await listen({ ...serverOptions(), host: '127.0.0.1', port: 0 });
    if (!l.ok) throw new Error(l.error.message);
    const port = l.value.address.port;
    await l.value.close();
    return connect({ host: '127.0.0.1', servername: 'localhost', port, ca: m.root.cert });
  },
  listenAgain: (listener) =>
    listen({ ...serverOptions(), host: '127.0.0.1', port: (listener.address as { port: number }).port }),
  cleanup,
});
