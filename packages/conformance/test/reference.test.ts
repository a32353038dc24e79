import { flowConformance, listenerConformance } from '../src/index.js';
import { referenceListenerOptions } from './support/reference-listener.js';
import { referencePair } from './support/reference-pair.js';

flowConformance({
  name: 'reference pair',
  makePair: async () => referencePair(),
  leakCheck: true,
});

flowConformance({
  name: 'reference pair, 1-byte capacity',
  makePair: async () => referencePair({ capacity: 1 }),
  timeoutMs: 30_000,
});

listenerConformance({ ...referenceListenerOptions(), leakCheck: true });
