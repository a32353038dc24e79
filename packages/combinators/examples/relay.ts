import { buffered, proxy, readExactly } from '@flowkit/combinators';
import { EOF, formatError } from '@flowkit/flow-types';
import { pair } from '@flowkit/memory';

// A client, a relay in the middle, and a server, all in memory:
// client ⇄ relayIn [proxy] relayOut ⇄ server. Over tcp, unix or tls the
// code is the same; only where the flows come from changes.
const [client, relayIn] = pair();
const [relayOut, server] = pair();
const relaying = proxy(relayIn, relayOut);

// The server reads a 4-byte header exactly, whatever chunks arrive, then
// echoes the rest back in upper case until EOF.
const serving = (async () => {
  const input = buffered(server);
  const header = await readExactly(input, 4);
  if (!header.ok) throw new Error(`header: ${header.error.message}`);
  for (;;) {
    const r = await input.read();
    if (!r.ok) throw new Error(formatError(r.error));
    if (r.value === EOF) break;
    await input.write(new TextEncoder().encode(new TextDecoder().decode(r.value).toUpperCase()));
  }
  await input.close();
})();

await client.write(new TextEncoder().encode('HDR:hello, relay'));
await client.closeWrite(); // half-close: the server sees EOF, the reply still flows back
let reply = '';
for (;;) {
  const r = await client.read();
  if (!r.ok || r.value === EOF) break;
  reply += new TextDecoder().decode(r.value);
}
await serving;
const stats = await relaying;
console.log(reply); // HELLO, RELAY
if (stats.ok) console.log(`relayed ${stats.value.aToB.bytes} bytes out, ${stats.value.bToA.bytes} back`);
