import { readFileSync } from 'node:fs';
import { EOF, formatError } from '@flowkit/flow-types';
import { pair } from '@flowkit/memory';
import { wrapClient, wrapServer } from '@flowkit/tls';

// Run after `npm install @flowkit/tls`: TLS_DIR=./certs npx tsx node_modules/@flowkit/tls/examples/over-memory.ts
// Run in the flowkit repo: TLS_DIR=./certs node --conditions=@flowkit/source --import tsx examples/over-memory.ts
// TLS over ANY flow: here an in-process pair, so protocol tests need no sockets.
const dir = process.env.TLS_DIR ?? 'certs';
const pem = (name: string) => readFileSync(`${dir}/${name}`, 'utf8');

const [a, b] = pair();
const [client, server] = await Promise.all([
  wrapClient(a, { servername: 'localhost', ca: pem('ca.pem') }),
  wrapServer(b, { cert: pem('server.pem'), key: pem('server.key') }),
]);
if (!client.ok || !server.ok) {
  throw new Error(!client.ok ? formatError(client.error) : !server.ok ? formatError(server.error) : '');
}
await client.value.write(new TextEncoder().encode('hello over TLS over memory'));
const closing = client.value.close(); // close_notify, then the memory flow's own close
const got = await server.value.read();
if (got.ok && got.value !== EOF) console.log(new TextDecoder().decode(got.value), server.value.protocol);
await Promise.all([closing, server.value.close()]);
