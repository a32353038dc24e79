import { readFileSync } from 'node:fs';
import { EOF, formatError } from '@flowkit/flow-types';
import { listen } from '@flowkit/tls';

// Run after `npm install @flowkit/tls`: TLS_CERT=chain.pem TLS_KEY=key.pem npx tsx node_modules/@flowkit/tls/examples/server.ts
// Run in the flowkit repo: TLS_CERT=chain.pem TLS_KEY=key.pem node --conditions=@flowkit/source --import tsx examples/server.ts
// An echo server: every accepted flow has finished its handshake.
const listener = await listen({
  host: '127.0.0.1',
  port: 8443,
  cert: readFileSync(process.env.TLS_CERT ?? 'chain.pem', 'utf8'),
  key: readFileSync(process.env.TLS_KEY ?? 'key.pem', 'utf8'),
  alpnProtocols: ['echo/1'],
  onHandshakeError: (e) => console.error('handshake:', formatError(e)),
});
if (!listener.ok) {
  console.error(formatError(listener.error)); // e.g. "invalid-option: key does not match cert (key values mismatch)"
  process.exit(1);
}
console.log('listening on', listener.value.address);

for await (const flow of listener.value) {
  void (async () => {
    for (;;) {
      const r = await flow.read();
      if (!r.ok || r.value === EOF) break;
      if (!(await flow.write(r.value)).ok) break;
    }
    await flow.close({ signal: AbortSignal.timeout(5_000) });
  })();
}
