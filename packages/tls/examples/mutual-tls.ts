import { readFileSync } from 'node:fs';
import { formatError } from '@flowkit/flow-types';
import { connect, listen } from '@flowkit/tls';

// Run after `npm install @flowkit/tls`: TLS_DIR=./certs npx tsx node_modules/@flowkit/tls/examples/mutual-tls.ts
// Run in the flowkit repo: TLS_DIR=./certs node --conditions=@flowkit/source --import tsx examples/mutual-tls.ts
// certs/: ca.pem (signs both), server.pem + server.key, client.pem + client.key.
const dir = process.env.TLS_DIR ?? 'certs';
const pem = (name: string) => readFileSync(`${dir}/${name}`, 'utf8');

const listener = await listen({
  host: '127.0.0.1',
  port: 0,
  cert: pem('server.pem'),
  key: pem('server.key'),
  ca: pem('ca.pem'),
  requestCert: true, // clients must present a certificate that chains to ca
});
if (!listener.ok) throw new Error(formatError(listener.error));

const client = await connect({
  host: '127.0.0.1',
  servername: 'localhost',
  port: listener.value.address.port,
  ca: pem('ca.pem'),
  cert: pem('client.pem'),
  key: pem('client.key'),
});
const accepted = await listener.value.accept();
if (client.ok && accepted.ok) {
  console.log('server sees client', accepted.value.peerCertificate?.subject.CN);
  await Promise.all([client.value.close(), accepted.value.close()]);
} else if (!client.ok) {
  console.error(formatError(client.error));
}
await listener.value.close();
