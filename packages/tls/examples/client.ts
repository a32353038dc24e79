import { EOF, formatError } from '@flowkit/flow-types';
import { connect } from '@flowkit/tls';

// Run after `npm install @flowkit/tls`: npx tsx node_modules/@flowkit/tls/examples/client.ts example.com
// Run in the flowkit repo: node --conditions=@flowkit/source --import tsx examples/client.ts example.com
// Verifies the chain against Node's bundled roots and the name against host.
const host = process.argv[2] ?? 'example.com';
const r = await connect({
  host,
  port: 443,
  alpnProtocols: ['http/1.1'],
  signal: AbortSignal.timeout(10_000),
});
if (!r.ok) {
  console.error(formatError(r.error)); // e.g. "certificate: certificate of … has expired (CERT_HAS_EXPIRED)"
  process.exit(1);
}
const flow = r.value;
console.log(flow.protocol, flow.cipher, flow.alpnProtocol, flow.peerCertificate?.subject.CN);

await flow.write(new TextEncoder().encode(`HEAD / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
const closing = flow.close({ signal: AbortSignal.timeout(10_000) }); // close_notify; we can still read
for (;;) {
  const chunk = await flow.read();
  if (!chunk.ok) {
    console.error(formatError(chunk.error)); // `truncated` if the server vanished without close_notify
    break;
  }
  if (chunk.value === EOF) break;
  process.stdout.write(chunk.value);
}
await closing;
