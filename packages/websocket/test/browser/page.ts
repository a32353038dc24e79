// The page the browser test loads: bundled for the browser from the
// package's `browser` export, it dials a flowkit listener in Node and posts
// what it saw to /result.
import { EOF } from '@flowkit/flow-types';
import { connect } from '@flowkit/websocket';

const url = new URLSearchParams(location.search).get('ws') ?? '';
const TOTAL = 1024 * 1024;
const CHUNK = 64 * 1024;

function pattern(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + (i >>> 11)) & 0xff;
  return out;
}

/** Writes 1 MiB, half-closes, reads the echo and the server's trailer until EOF. */
async function echo(): Promise<Record<string, unknown>> {
  const dialed = await connect({ url });
  if (!dialed.ok) return { failed: `connect: ${dialed.error.message}` };
  const flow = dialed.value;
  const data = pattern(TOTAL);
  const writing = (async () => {
    for (let at = 0; at < TOTAL; at += CHUNK) {
      const w = await flow.write(data.subarray(at, at + CHUNK));
      if (!w.ok) return `write: ${w.error.message}`;
    }
    const done = await flow.closeWrite();
    return done.ok ? 'ok' : `closeWrite: ${done.error.message}`;
  })();
  const received = new Uint8Array(TOTAL + 64);
  let n = 0;
  for (;;) {
    const r = await flow.read();
    if (!r.ok) return { failed: `read: ${r.error.type}: ${r.error.message}` };
    if (r.value === EOF) break;
    if (n + r.value.byteLength > received.length)
      return { failed: `more than ${received.length} bytes came back` };
    received.set(r.value, n);
    n += r.value.byteLength;
  }
  let firstMismatch = -1;
  for (let i = 0; i < TOTAL && i < n; i++) {
    if (received[i] !== data[i]) {
      firstMismatch = i;
      break;
    }
  }
  const trailer = new TextDecoder().decode(received.subarray(TOTAL, n));
  const writes = await writing;
  await flow.close();
  return { protocol: flow.protocol, halfClose: flow.halfClose, writes, bytes: n, firstMismatch, trailer };
}

/** Sends a few bytes, then aborts: the Node side must read a reset. */
async function abortFlow(): Promise<Record<string, unknown>> {
  const dialed = await connect({ url });
  if (!dialed.ok) return { failed: `connect: ${dialed.error.message}` };
  const flow = dialed.value;
  const w = await flow.write(new TextEncoder().encode('about to abort'));
  if (!w.ok) return { failed: `write: ${w.error.message}` };
  flow.abort(new Error('page aborts'));
  const after = await flow.read();
  return { readAfterAbort: after.ok ? 'data or EOF' : after.error.type };
}

async function main(): Promise<void> {
  let result: Record<string, unknown>;
  try {
    result = { echo: await echo(), abort: await abortFlow() };
  } catch (error) {
    result = { failed: `threw: ${String(error)}` };
  }
  await fetch('/result', { method: 'POST', body: JSON.stringify(result) });
}

void main();
