// The fresh project's own test: the conformance suite, installed from the
// registry, run by the project's own vitest against `@flowkit/tcp` as
// installed (dist/, no workspace condition). Copied into the project as
// test/conformance.test.ts by tooling/release/consumer.ts.
import { flowConformance, listenerConformance } from '@flowkit/conformance';
import type { Flow, Listener } from '@flowkit/flow-types';
import { connect, listen, type TcpListener } from '@flowkit/tcp';

const listeners: TcpListener[] = [];

async function closeListeners(): Promise<void> {
  await Promise.all(listeners.splice(0).map((l) => l.close()));
}

async function makePair(): Promise<readonly [Flow, Flow]> {
  const bound = await listen({ host: '127.0.0.1', port: 0 });
  if (!bound.ok) throw new Error(bound.error.message);
  listeners.push(bound.value);
  const accepted = bound.value.accept();
  const dialed = await connect({ host: '127.0.0.1', port: bound.value.address.port });
  if (!dialed.ok) throw new Error(dialed.error.message);
  const acc = await accepted;
  if (!acc.ok) throw new Error(acc.error.message);
  return [dialed.value, acc.value];
}

const portOf = (l: Listener<Flow>): number => (l as TcpListener).address.port;

flowConformance({
  name: 'installed @flowkit/tcp',
  makePair,
  cleanup: closeListeners,
  capabilities: { halfClose: true, abortSendsReset: true, backpressure: true },
});

listenerConformance({
  name: 'installed @flowkit/tcp',
  listen: () => listen({ host: '127.0.0.1', port: 0 }),
  connect: (l: Listener<Flow>) => connect({ host: '127.0.0.1', port: portOf(l) }),
  listenAgain: (l: Listener<Flow>) => listen({ host: '127.0.0.1', port: portOf(l) }),
  cleanup: closeListeners,
});
