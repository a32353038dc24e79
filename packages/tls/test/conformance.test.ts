import { flowConformance, listenerConformance } from '@flowkit/conformance';
import type { Flow } from '@flowkit/flow-types';
import { pair } from '@flowkit/memory';
import { afterAll, beforeAll } from 'vitest';
import { connect, listen, type TlsListener, wrapClient, wrapServer } from '../src/index.js';
import { type CertMatrix, makeCertMatrix } from './support/certs.js';

let m: CertMatrix;
// One options object per side, so each side's secure context is built once
// (plans are cached per options object) and session tickets resume.
let server: { readonly cert: string; readonly key: string };
let client: { readonly ca: string; readonly servername: string };
beforeAll(() => {
  m = makeCertMatrix();
  server = { cert: m.good.chain, key: m.good.key };
  client = { ca: m.root.cert, servername: 'localhost' };
});
afterAll(() => m.cleanup());

const open: TlsListener[] = [];
async function cleanup(): Promise<void> {
  await Promise.all(open.splice(0).map((l) => l.close()));
}

const serverOptions = () => server;

// A TLS pair costs two handshakes of public-key crypto (about 10 ms of CPU on
// this 2-core machine): the 1000-flow stress case needs more than the default
// 20 s per case, for the handshakes, not for the data.
const timeoutMs = 60_000;

/** The listener of the current test and the one options object its dialers use (see above). */
let shared: Promise<{ listener: TlsListener; dial: Parameters<typeof connect>[0] }> | undefined;

flowConformance({
  name: 'tls over tcp',
  makePair: async () => {
    shared ??= listen({ ...serverOptions(), host: '127.0.0.1', port: 0 }).then((l) => {
      if (!l.ok) throw new Error(l.error.message);
      open.push(l.value);
      return { listener: l.value, dial: { ...client, host: '127.0.0.1', port: l.value.address.port } };
    });
    const { listener, dial } = await shared;
    const [c, s] = await Promise.all([connect(dial), listener.accept()]);
    if (!c.ok) throw new Error(c.error.message);
    if (!s.ok) throw new Error(s.error.message);
    return [c.value, s.value] as const;
  },
  cleanup: () => {
    shared = undefined;
    return cleanup();
  },
  timeoutMs,
  leakCheck: true,
});

flowConformance({
  name: 'tls over memory',
  makePair: async () => {
    const [a, b] = pair();
    const [c, s] = await Promise.all([wrapClient(a, client), wrapServer(b, serverOptions())]);
    if (!c.ok) throw new Error(c.error.message);
    if (!s.ok) throw new Error(s.error.message);
    return [c.value, s.value] as readonly [Flow, Flow];
  },
  timeoutMs,
  leakCheck: true,
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
