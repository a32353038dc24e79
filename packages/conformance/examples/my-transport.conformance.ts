// Run the whole flowkit conformance suite against a transport. Save as
// `test/conformance.test.ts` in the transport's package and run `vitest run`.
import { flowConformance, listenerConformance } from '@flowkit/conformance';
import type { ConnectError, Flow, ListenError, Listener, Result } from '@flowkit/flow-types';

// Stand-ins for your transport's own entry points.
declare function listen(options: {
  host: string;
  port: number;
}): Promise<Result<Listener<Flow>, ListenError>>;
declare function connect(options: { host: string; port: number }): Promise<Result<Flow, ConnectError>>;

const open = new Set<Listener<Flow>>();

function portOf(listener: Listener<Flow>): number {
  return (listener.address as { port: number }).port;
}

flowConformance({
  name: 'my-transport',
  async makePair() {
    const l = await listen({ host: '127.0.0.1', port: 0 });
    if (!l.ok) throw new Error(l.error.message);
    open.add(l.value);
    const [dialed, accepted] = await Promise.all([
      connect({ host: '127.0.0.1', port: portOf(l.value) }),
      l.value.accept(),
    ]);
    if (!dialed.ok || !accepted.ok) throw new Error('could not connect a pair');
    return [dialed.value, accepted.value] as const;
  },
  async cleanup() {
    await Promise.all([...open].map((l) => l.close()));
    open.clear();
  },
  // Declare honestly what the transport cannot do; those cases are skipped with the reason shown.
  capabilities: { halfClose: true, abortSendsReset: true, backpressure: true },
});

listenerConformance({
  name: 'my-transport',
  listen: () => listen({ host: '127.0.0.1', port: 0 }),
  connect: (l) => connect({ host: '127.0.0.1', port: portOf(l) }),
  listenAgain: (l) => listen({ host: '127.0.0.1', port: portOf(l) }),
});
