// The README's "writing a transport" example, a transport without native
// half-close, passes the suite with the capabilities it declares.
import { portPair } from '../examples/no-half-close.js';
import { flowConformance } from '../src/index.js';

flowConformance({
  name: 'MessagePort flow (no half-close)',
  makePair: async () => portPair(),
  capabilities: { halfClose: false, backpressure: false, abortSendsReset: true },
  leakCheck: true,
});
