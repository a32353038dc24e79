import { EOF, type Flow, formatError } from '@flowkit/flow-types';
import { connect, listen } from '@flowkit/tcp';

// Run after `npm install @flowkit/tcp`: npx tsx node_modules/@flowkit/tcp/examples/echo.ts
// Run in the flowkit repo: node --conditions=@flowkit/source --import tsx examples/echo.ts

/** Echoes everything until the remote half-closes, then closes our side. */
async function echo(flow: Flow): Promise<void> {
  for (;;) {
    const r = await flow.read();
    if (!r.ok || r.value === EOF) break;
    if (!(await flow.write(r.value)).ok) break;
  }
  await flow.close();
}

const bound = await listen({ host: '127.0.0.1', port: 0 });
if (!bound.ok) throw new Error(formatError(bound.error));
const listener = bound.value;
console.log('listening on', listener.address); // { host: '127.0.0.1', port: 41234, family: 'IPv4' }

// Server: serve every connection until the listener is closed.
const serving = (async () => {
  for await (const flow of listener) void echo(flow);
})();

// Client: send, half-close, read the echo until EOF.
const dialed = await connect({ host: '127.0.0.1', port: listener.address.port, timeout: 5_000 });
if (!dialed.ok) throw new Error(formatError(dialed.error));
const flow = dialed.value;
await flow.write(new TextEncoder().encode('hello over tcp'));
const closing = flow.close(); // sends FIN; we can still read
const parts: Uint8Array[] = [];
for (;;) {
  const r = await flow.read();
  if (!r.ok || r.value === EOF) break;
  parts.push(r.value);
}
await closing;
console.log('echoed:', Buffer.concat(parts).toString(), `(${flow.bytesRead} bytes)`);
await listener.close();
await serving;
