// Run the whole flowkit conformance suite against a transport. Save as
// `test/conformance.test.ts` in the transport's package and run `vitest run`.
import { flowConformance, listenerConformance } from '@flowkit/conformance';
import type { ConnectError, Flow, ListenError, Listener, Result } from '@flowkit/flow-types';

// Stand-ins for your transport's own entry points.
interface MyAddress {
  readonly host: string;
  readonly port: number;
}
declare function listen(options: MyAddress): Promise<Result<Listener<Flow, MyAddress>, ListenError>>;
declare function connect(options: MyAddress): Promise<Result<Flow, ConnectError>>;

const open = new Set<Listener<Flow, MyAddress>>();

flowConformance({
  name: 'my-transport',
  async makePair() {
    const l = await listen({ host: '127.0.0.1', port: 0 });
    if (!l.ok) throw new Error(l.error.message);
    open.add(l.value);
    const [dialed, accepted] = await Promise.all([connect(l.value.address), l.value.accept()]);
    if (!dialed.ok || !accepted.ok) throw new Error('could not connect a pair');
    return [dialed.value, accepted.value] as const;
  },
  async cleanup() {
    await Promise.all([...open].map((l) => l.close()));
    open.clear();
  },
  // Declare honestly what the transport cannot do; those cases are skipped with the reason shown.
  capabilities: { halfClose: true, abortSendsReset: true, backpressure: true },
  // Fail a case that leaves sockets, servers or timers open after it.
  leakCheck: true,
});

listenerConformance({
  name: 'my-transport',
  listen: () => listen({ host: '127.0.0.1', port: 0 }),
  // The address type is inferred from `listen`: no cast.
  connect: (l) => connect(l.address),
  listenAgain: (l) => listen(l.address),
  leakCheck: true,
});
