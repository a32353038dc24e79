import { EOF, formatError } from '@flowkit/flow-types';
import { connect, listen } from '@flowkit/memory';

// Listen on a name, as a server would on a port.
const listening = await listen({ name: 'greeter', capacity: 16 * 1024 });
if (!listening.ok) throw new Error(formatError(listening.error));
const listener = listening.value;

const serving = (async () => {
  for await (const flow of listener) {
    await flow.write(new TextEncoder().encode(`hello ${flow.remoteName}`));
    await flow.close();
  }
})();

const dialed = await connect({ name: 'greeter' });
if (!dialed.ok) throw new Error(formatError(dialed.error));
const flow = dialed.value;
const r = await flow.read();
if (r.ok && r.value !== EOF) console.log(new TextDecoder().decode(r.value)); // hello greeter#1
await flow.close();

// Nobody listens on this one: a typed error, not an exception.
const refused = await connect({ name: 'nobody' });
if (!refused.ok) console.log(formatError(refused.error)); // refused: nothing listens on memory name "nobody"

await listener.close(); // ends the for-await loop above
await serving;
