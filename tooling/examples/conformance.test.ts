// test/conformance.test.ts of your own transport: one call registers the suite.
import { flowConformance } from '@flowkit/conformance';
import { pair } from '@flowkit/memory'; // replace with your transport's dialer

flowConformance({
  name: 'my-transport',
  makePair: async () => pair(),
  capabilities: { halfClose: true, abortSendsReset: true, backpressure: true },
});
