// Split from conformance.test.ts to keep each file short: every timed piece
// waits for a real timer, so these runs take seconds, not milliseconds.
import { flowConformance } from '@flowkit/conformance';
import { pair } from '../src/index.js';

flowConformance({
  name: 'memory pair, 0–1 ms latency',
  makePair: async () => pair({ faults: { seed: 2, latency: { ms: 0, jitterMs: 1 } } }),
  leakCheck: true,
});

flowConformance({
  name: 'memory pair, 256 MiB/s bandwidth',
  makePair: async () => pair({ faults: { seed: 3, bandwidth: { bytesPerSecond: 256 * 1024 * 1024 } } }),
  leakCheck: true,
});
