import { flowConformance, listenerConformance } from '@flowkit/conformance';
import type { Flow, Listener } from '@flowkit/flow-types';
import { acceptedPair } from '../../../tooling/testing/accepted-pair.js';
import { connect, listen, type TcpAddress, type TcpListener } from '../src/index.js';

const listeners: TcpListener[] = [];

async function closeListeners(): Promise<void> {
  const all = listeners.splice(0);
  await Promise.all(all.map((l) => l.close()));
}

function pairOver(host: string) {
  return async (): Promise<readonly [Flow, Flow]> => {
    const bound = await listen({ host, port: 0 });
    if (!bound.ok) throw new Error(bound.error.message);
    listeners.push(bound.value);
    const listener = bound.value;
    return acceptedPair(listener, () => connect({ host, port: listener.address.port }));
  };
}

const capabilities = { halfClose: true, abortSendsReset: true, backpressure: true };
// The suite's per-case leak check: a handle or timer left open fails that case.
const leakCheck = true;

flowConformance({
  name: 'tcp IPv4',
  makePair: pairOver('127.0.0.1'),
  cleanup: closeListeners,
  capabilities,
  leakCheck,
});
flowConformance({
  name: 'tcp IPv6',
  makePair: pairOver('::1'),
  cleanup: closeListeners,
  capabilities,
  leakCheck,
});

const addressOf = (l: Listener<Flow>): TcpAddress => (l as TcpListener).address;

listenerConformance({
  name: 'tcp',
  listen: () => listen({ host: '127.0.0.1', port: 0 }),
  connect: (l: Listener<Flow>) => connect({ host: '127.0.0.1', port: addressOf(l).port }),
  connectToNothing: async () => {
    // Bind, note the port, release it: nobody listens there afterwards.
    const bound = await listen({ host: '127.0.0.1', port: 0 });
    if (!bound.ok) throw new Error(bound.error.message);
    const { port } = bound.value.address;
    await bound.value.close();
    return connect({ host: '127.0.0.1', port });
  },
  listenAgain: (l: Listener<Flow>) => listen({ host: '127.0.0.1', port: addressOf(l).port }),
  cleanup: closeListeners,
  leakCheck,
});
