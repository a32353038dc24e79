import { socketCloseWrite } from '../../../tooling/testing/socket-close-write.js';
import { connect, listen, type TcpListener } from '../src/index.js';

const listeners: TcpListener[] = [];

for (const host of ['127.0.0.1', '::1']) {
  socketCloseWrite({
    name: `tcp ${host}`,
    async makePair() {
      const bound = await listen({ host, port: 0 });
      if (!bound.ok) throw new Error(bound.error.message);
      listeners.push(bound.value);
      const accepted = bound.value.accept();
      const dialed = await connect({ host, port: bound.value.address.port });
      if (!dialed.ok) throw new Error(dialed.error.message);
      const acc = await accepted;
      if (!acc.ok) throw new Error(acc.error.message);
      return [dialed.value, acc.value];
    },
    async cleanup() {
      await Promise.all(listeners.splice(0).map((l) => l.close()));
    },
  });
}
