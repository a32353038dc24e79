import type { Flow, Listener } from '@flowkit/flow-types';
import { boundedListener } from '../../../tooling/testing/bounded-listener.js';
import { connect, listen, type TcpListener } from '../src/index.js';

boundedListener({
  name: 'tcp',
  listen: (backlog) => listen({ host: '127.0.0.1', port: 0, backlog }),
  connect: (l: Listener<Flow>) => connect({ host: '127.0.0.1', port: (l as TcpListener).address.port }),
  // The refused connection gets an RST.
  refusedReads: ['reset'],
});
