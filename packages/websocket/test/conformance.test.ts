import { flowConformance, listenerConformance } from '@flowkit/conformance';
import type { Flow, Listener } from '@flowkit/flow-types';
import { afterAll, beforeAll } from 'vitest';
import { acceptedPair } from '../../../tooling/testing/accepted-pair.js';
import { type CertMatrix, makeCertMatrix } from '../../tls/test/support/certs.js';
import { connect, listen, type WebSocketConnectOptions, type WebSocketListener } from '../src/index.js';

let certs: CertMatrix;
beforeAll(() => {
  certs = makeCertMatrix();
});
afterAll(() => certs.cleanup());

interface Mode {
  readonly secure: boolean;
  readonly halfClose: boolean;
}

function listenIn(mode: Mode, port = 0) {
  const tls = mode.secure ? { cert: certs.good.chain, key: certs.good.key } : {};
  return listen({ host: '127.0.0.1', port, ...tls });
}

function dialIn(mode: Mode, url: string) {
  const tls: Partial<WebSocketConnectOptions> = mode.secure
    ? { ca: certs.root.cert, servername: 'localhost' }
    : {};
  return connect({ url, halfClose: mode.halfClose, ...tls });
}

/** Listeners a test opened; closed after it (the flow suite aborts the flows first). */
const open: Promise<WebSocketListener>[] = [];
async function cleanup(): Promise<void> {
  await Promise.all(open.splice(0).map(async (l) => (await l).close()));
}

/** One listener per test, shared by every pair the test makes (the stress cases make 1000). */
function sharedListener(mode: Mode): Promise<WebSocketListener> {
  if (open.length === 0) {
    open.push(
      listenIn(mode).then((bound) => {
        if (!bound.ok) throw new Error(bound.error.message);
        return bound.value;
      }),
    );
  }
  return open[0]!;
}

/** Pairs are made one at a time, so a dialed flow is never matched with another pair's accepted one. */
let making: Promise<unknown> = Promise.resolve();

function pairIn(mode: Mode) {
  const makeOne = async (): Promise<readonly [Flow, Flow]> => {
    const listener = await sharedListener(mode);
    const [dialed, acc] = await acceptedPair(listener, () => dialIn(mode, listener.address.url));
    // The capabilities below are declared per mode: check the mode is what was negotiated.
    if (dialed.halfClose !== mode.halfClose || acc.halfClose !== mode.halfClose) {
      throw new Error(`halfClose ${mode.halfClose} asked, ${dialed.halfClose}/${acc.halfClose} negotiated`);
    }
    return [dialed, acc];
  };
  return (): Promise<readonly [Flow, Flow]> => {
    const next = making.then(makeOne, makeOne);
    making = next.catch(() => {});
    return next;
  };
}

const capabilities = (mode: Mode) => ({
  halfClose: mode.halfClose,
  closeWaitsForRemote: mode.halfClose,
  abortSendsReset: true,
  backpressure: true,
});

const v1 = { secure: false, halfClose: true };
const secureV1 = { secure: true, halfClose: true };
const plain = { secure: false, halfClose: false };

flowConformance({
  name: 'websocket ws: flowkit.v1',
  makePair: pairIn(v1),
  cleanup,
  leakCheck: true,
  capabilities: capabilities(v1),
});
flowConformance({
  name: 'websocket wss: flowkit.v1',
  makePair: pairIn(secureV1),
  cleanup,
  leakCheck: true,
  capabilities: capabilities(secureV1),
  // 1000 TLS handshakes in the stress topic take longer than 20 s on a loaded 2-core machine.
  timeoutMs: 60_000,
});

// Plain WebSocket (no subprotocol) declares what it cannot keep: every
// WebSocket implementation (`ws`, browsers, Python) answers a Close frame at
// once, so the remote's close happens when it reads EOF, not when it calls
// close(). The suite skips the cases that need close() to wait, by name.
flowConformance({
  name: 'websocket ws: plain',
  makePair: pairIn(plain),
  cleanup,
  capabilities: capabilities(plain),
  leakCheck: true,
});

for (const mode of [v1, secureV1]) {
  const scheme = mode.secure ? 'wss:' : 'ws:';
  listenerConformance({
    name: `websocket ${scheme}`,
    listen: async () => {
      const l = await listenIn(mode);
      if (l.ok) open.push(Promise.resolve(l.value));
      return l;
    },
    connect: (l: Listener<Flow>) => dialIn(mode, (l as WebSocketListener).address.url),
    connectToNothing: async () => {
      // Bind, note the URL, release it: nobody listens there afterwards.
      const l = await listenIn(mode);
      if (!l.ok) throw new Error(l.error.message);
      const url = l.value.address.url;
      await l.value.close();
      return dialIn(mode, url);
    },
    listenAgain: (l: Listener<Flow>) => listenIn(mode, (l as WebSocketListener).address.port),
    cleanup,
  });
}
