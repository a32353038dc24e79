import { flowConformance, listenerConformance } from '@flowkit/conformance';
import type { Flow, Listener } from '@flowkit/flow-types';
import { connect, listen, type WebSocketListener } from '../src/index.js';

const open: WebSocketListener[] = [];

async function cleanup(): Promise<void> {
  await Promise.all(open.splice(0).map((l) => l.close()));
}

function pairOver(halfClose: boolean) {
  return async (): Promise<readonly [Flow, Flow]> => {
    const bound = await listen({ host: '127.0.0.1', port: 0 });
    if (!bound.ok) throw new Error(bound.error.message);
    open.push(bound.value);
    const accepted = bound.value.accept();
    const dialed = await connect({ url: bound.value.address.url, halfClose });
    if (!dialed.ok) throw new Error(dialed.error.message);
    const acc = await accepted;
    if (!acc.ok) throw new Error(acc.error.message);
    if (dialed.value.halfClose !== halfClose || acc.value.halfClose !== halfClose) {
      throw new Error(`halfClose: asked ${halfClose}, got ${dialed.value.halfClose}/${acc.value.halfClose}`);
    }
    return [dialed.value, acc.value];
  };
}

flowConformance({
  name: 'websocket ws: flowkit.v1',
  makePair: pairOver(true),
  cleanup,
  capabilities: { halfClose: true, abortSendsReset: true, backpressure: true },
});

flowConformance({
  name: 'websocket ws: plain',
  makePair: pairOver(false),
  cleanup,
  capabilities: { halfClose: false, abortSendsReset: true, backpressure: true },
});

const urlOf = (l: Listener<Flow>): string => (l as WebSocketListener).address.url;

listenerConformance({
  name: 'websocket ws:',
  listen: async () => {
    const l = await listen({ host: '127.0.0.1', port: 0 });
    if (l.ok) open.push(l.value);
    return l;
  },
  connect: (l) => connect({ url: urlOf(l) }),
  connectToNothing: async () => {
    const l = await listen({ host: '127.0.0.1', port: 0 });
    if (!l.ok) throw new Error(l.error.message);
    const url = l.value.address.url;
    await l.value.close();
    return connect({ url });
  },
  listenAgain: (l) => listen({ host: '127.0.0.1', port: (l as WebSocketListener).address.port }),
  cleanup,
});
