import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EOF, type Flow, formatError } from '@flowkit/flow-types';
import { connect, listen } from '@flowkit/unix';

// Run after `npm install @flowkit/unix`: npx tsx node_modules/@flowkit/unix/examples/echo.ts
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

const dir = mkdtempSync(join(tmpdir(), 'echo-'));
const path = join(dir, 'echo.sock');

// mode 0o600: only this user may connect. A stale socket file left by a
// crashed run would be replaced; a live one or a regular file would not.
const bound = await listen({ path, mode: 0o600 });
if (!bound.ok) throw new Error(formatError(bound.error));
const listener = bound.value;
console.log('listening on', listener.address); // { path: '/tmp/echo-XXXX/echo.sock' }

const serving = (async () => {
  for await (const flow of listener) void echo(flow);
})();

const dialed = await connect({ path });
if (!dialed.ok) throw new Error(formatError(dialed.error));
const flow = dialed.value;
await flow.write(new TextEncoder().encode('hello over a unix socket'));
const closing = flow.close();
const parts: Uint8Array[] = [];
for (;;) {
  const r = await flow.read();
  if (!r.ok || r.value === EOF) break;
  parts.push(r.value);
}
await closing;
console.log('echoed:', Buffer.concat(parts).toString());
await listener.close(); // also removes echo.sock
await serving;
rmSync(dir, { recursive: true, force: true });
