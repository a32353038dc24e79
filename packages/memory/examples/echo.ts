import { EOF, type Flow, formatError } from '@flowkit/flow-types';
import { pair } from '@flowkit/memory';

/** The server side of a tiny echo protocol: send back every byte, then close. */
async function echo(flow: Flow): Promise<void> {
  for (;;) {
    const r = await flow.read();
    if (!r.ok) return flow.abort(r.error);
    if (r.value === EOF) break;
    const w = await flow.write(r.value);
    if (!w.ok) return flow.abort(w.error);
  }
  await flow.close();
}

/** The client: send `message`, half-close, read the echo until EOF. */
async function ask(flow: Flow, message: string): Promise<string> {
  await flow.write(new TextEncoder().encode(message));
  const closing = flow.close(); // half-close: the server reads EOF after our bytes
  const decoder = new TextDecoder();
  let reply = '';
  for (;;) {
    const r = await flow.read();
    if (!r.ok) throw new Error(formatError(r.error));
    if (r.value === EOF) break;
    reply += decoder.decode(r.value, { stream: true });
  }
  await closing; // resolves once the server has closed too
  return reply;
}

// A plain pair, then one that splits every write into 1..3 byte pieces
// after 2 ms of latency: the protocol code does not change.
for (const options of [{}, { faults: { seed: 7, rechunk: { maxChunk: 3 }, latency: { ms: 2 } } }]) {
  const [client, server] = pair(options);
  const [reply] = await Promise.all([ask(client, 'hello, flow'), echo(server)]);
  console.log(JSON.stringify(options), '->', reply);
}
