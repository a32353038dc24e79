import { acceptedPair } from '../../../tooling/testing/accepted-pair.js';
import { socketCloseWrite } from '../../../tooling/testing/socket-close-write.js';
import { connect, listen, type TcpListener } from '../src/index.js';

const listeners: TcpListener[] = [];

for (const host of ['127.0.0.1', '::1']) {
  socketCloseWrite({
    name: `tcp ${host}`,
    resets: true,
    async makePair() {
      const bound = await listen({ host, port: 0 });
      if (!bound.ok) throw new Error(bound.error.message);
      listeners.push(bound.value);
      const listener = bound.value;
      return acceptedPair(listener, () => connect({ host, port: listener.address.port }));
    },
    async cleanup() {
      await Promise.all(listeners.splice(0).map((l) => l.close()));
    },
  });
}
