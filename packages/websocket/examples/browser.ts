/// <reference lib="dom" />
import { EOF, formatError } from '@flowkit/flow-types';
// In a bundled page (esbuild, Vite, webpack) plain `@flowkit/websocket` resolves to this
// same entry through the `browser` export condition; `/browser` names it explicitly.
import { connect } from '@flowkit/websocket/browser';

// A flow from the page to a flowkit listener: send a request, half-close, read the answer.
const dialed = await connect({ url: 'wss://flows.example/api', signal: AbortSignal.timeout(10_000) });
if (!dialed.ok) throw new Error(formatError(dialed.error));
const flow = dialed.value;

await flow.write(new TextEncoder().encode('GET /status\n'));
await flow.closeWrite(); // flowkit.v1: the server reads EOF and still answers
const decoder = new TextDecoder();
let answer = '';
for (;;) {
  const r = await flow.read();
  if (!r.ok) throw new Error(formatError(r.error)); // e.g. "reset: … closed with code 1001 (going away)"
  if (r.value === EOF) break;
  answer += decoder.decode(r.value, { stream: true });
}
await flow.close();
document.body.textContent = answer;
