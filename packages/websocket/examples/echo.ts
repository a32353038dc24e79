import { EOF, formatError, formatWriteError } from '@flowkit/flow-types';
import { connect, listen } from '@flowkit/websocket';

// Run after `npm install @flowkit/websocket`: npx tsx node_modules/@flowkit/websocket/examples/echo.ts
// Run in the flowkit repo: node --conditions=@flowkit/source --import tsx examples/echo.ts
const listener = await listen({ host: '127.0.0.1', port: 0, path: '/echo' });
if (!listener.ok) throw new Error(formatError(listener.error));
console.log('listening on', listener.value.address.url);

// The server echoes every byte, then half-closes when the client did.
const serving = (async () => {
  for await (const flow of listener.value) {
    for (;;) {
      const r = await flow.read();
      if (!r.ok || r.value === EOF) break;
      await flow.write(r.value);
    }
    await flow.close();
    break; // one client is enough for the example
  }
})();

const dialed = await connect({ url: listener.value.address.url, signal: AbortSignal.timeout(5_000) });
if (!dialed.ok) throw new Error(formatError(dialed.error));
const flow = dialed.value;
console.log('subprotocol:', flow.protocol, 'half-close:', flow.halfClose);

const w = await flow.write(new TextEncoder().encode('hello over a WebSocket flow'));
if (!w.ok) throw new Error(formatWriteError(w.error));
await flow.closeWrite(); // the `eof` message: the server reads EOF, we can still read
for (;;) {
  const r = await flow.read();
  if (!r.ok) throw new Error(formatError(r.error));
  if (r.value === EOF) break;
  console.log('echo:', new TextDecoder().decode(r.value));
}
await flow.close();
await serving;
await listener.value.close();
