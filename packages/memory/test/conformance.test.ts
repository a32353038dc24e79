// `@flowkit/conformance` is not (yet) a devDependency of this package, and
// dependencies cannot be added here, so the suite is imported from its source.
import { flowConformance, listenerConformance } from '../../conformance/src/index.js';
import { connect, listen, type MemoryFlow, type PairOptions, pair } from '../src/index.js';

async function makePair(options?: PairOptions): Promise<readonly [MemoryFlow, MemoryFlow]> {
  return pair(options);
}

flowConformance({ name: 'memory pair', makePair: () => makePair() });

flowConformance({
  name: 'memory pair, rechunked to 1..7 bytes',
  makePair: () => makePair({ faults: { seed: 1, rechunk: { maxChunk: 7 } } }),
});

flowConformance({
  name: 'memory pair, 1 ms latency with 2 ms jitter',
  makePair: () => makePair({ faults: { seed: 2, latency: { ms: 1, jitterMs: 2 } } }),
});

flowConformance({
  name: 'memory pair, 256 MB/s bandwidth',
  makePair: () => makePair({ faults: { seed: 3, bandwidth: { bytesPerSecond: 256 * 1024 * 1024 } } }),
});

let names = 0;
listenerConformance({
  name: 'memory listen/connect',
  listen: () => listen({ name: `conformance-${process.pid}-${++names}` }),
  connect: (listener) => connect({ name: (listener.address as { name: string }).name }),
  connectToNothing: () => connect({ name: `conformance-nobody-${process.pid}-${++names}` }),
  listenAgain: (listener) => listen({ name: (listener.address as { name: string }).name }),
});
