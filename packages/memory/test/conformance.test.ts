// `@flowkit/conformance` is not (yet) a devDependency of this package, and
// dependencies cannot be added here, so the suite is imported from its source.
import { flowConformance, listenerConformance } from '@flowkit/conformance';
import { connect, listen, type MemoryAddress, pair } from '../src/index.js';

flowConformance({ name: 'memory pair', makePair: async () => pair(), leakCheck: true });

flowConformance({
  name: 'memory pair, rechunked to 1..7 bytes',
  makePair: async () => pair({ faults: { seed: 1, rechunk: { maxChunk: 7 } } }),
  // The 8 MiB close-write case is about 2.1 million reads here, each bounded
  // by its own timer in the harness: 26–31 s on the shared 2-core machine
  // (with the old channel too), past the default 20 s.
  timeoutMs: 60_000,
  leakCheck: true,
});

let names = 0;
const fresh = () => `conformance-${Date.now()}-${++names}`;
const nameOf = (address: unknown) => (address as MemoryAddress).name;

listenerConformance({
  name: 'memory listen/connect',
  listen: () => listen({ name: fresh() }),
  connect: (listener) => connect({ name: nameOf(listener.address) }),
  connectToNothing: () => connect({ name: fresh() }),
  listenAgain: (listener) => listen({ name: nameOf(listener.address) }),
  leakCheck: true,
});
