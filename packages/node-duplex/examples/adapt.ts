import { createServer, connect as netConnect, type Socket } from 'node:net';
import { EOF } from '@flowkit/flow-types';
import { fromNodeDuplex } from '@flowkit/node-duplex';

// Run after `npm install @flowkit/node-duplex`: npx tsx node_modules/@flowkit/node-duplex/examples/adapt.ts
// Run in the flowkit repo: node --conditions=@flowkit/source --import tsx examples/adapt.ts
// Transports (tcp, unix, tls) do this for you; this shows the adapter alone.

// allowHalfOpen on the server too, or Node ends our side at the peer's FIN.
const server = createServer({ allowHalfOpen: true }, (socket: Socket) => {
  const flow = fromNodeDuplex(socket, { label: 'client' });
  void (async () => {
    for (;;) {
      const r = await flow.read();
      if (!r.ok || r.value === EOF) break;
      await flow.write(r.value); // echo: the very Buffer Node gave us
    }
    await flow.close();
  })();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as { port: number };

const socket = netConnect({ host: '127.0.0.1', port, allowHalfOpen: true });
await new Promise((resolve) => socket.once('connect', resolve));
const flow = fromNodeDuplex(socket, { label: `127.0.0.1:${port}`, readHighWaterMark: 16 * 1024 });

await flow.writev([new TextEncoder().encode('hello, '), new TextEncoder().encode('duplex')]);
const closing = flow.close();
const r = await flow.read();
if (r.ok && r.value !== EOF) console.log('echoed:', new TextDecoder().decode(r.value));
await closing;
server.close();
