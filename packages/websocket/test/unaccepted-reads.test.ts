import { EOF } from '@flowkit/flow-types';
import { describe, expect, it, onTestFinished } from 'vitest';
import { holdReading } from '../src/held-socket.js';
import { connect, listen, type WebSocketFlow, type WebSocketListenOptions } from '../src/index.js';
import type { MessageSocket } from '../src/message-socket.js';

// SPEC, Listener: a connection that has not been accepted yet reads nothing
// (the kernel holds its data). Before, each upgraded connection was read at
// once: six unaccepted flows that were each sent one 15 MiB message held
// about 90 MiB.

const KiB = 1024;
const MiB = 1024 * KiB;

/** `n` bytes that differ per `seed` and per position, so a reordering or a loss shows. */
function pattern(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed * 17 + (i >>> 16)) & 0xff;
  return out;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function served(options: WebSocketListenOptions) {
  const l = await listen({ host: '127.0.0.1', port: 0, ...options });
  if (!l.ok) throw new Error(l.error.message);
  onTestFinished(() => l.value.close());
  return l.value;
}

async function dial(url: string, maxMessageBytes: number): Promise<WebSocketFlow> {
  const r = await connect({ url, maxMessageBytes, timeout: 5_000 });
  if (!r.ok) throw new Error(r.error.message);
  onTestFinished(() => r.value.abort());
  return r.value;
}

/** Reads exactly `n` bytes (bounded by count and time) and returns them joined. */
async function readBytes(flow: WebSocketFlow, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let at = 0;
  const deadline = Date.now() + 10_000;
  for (let i = 0; i < 100_000 && at < n && Date.now() < deadline; i++) {
    const r = await flow.read({ signal: AbortSignal.timeout(5_000) });
    if (!r.ok) throw new Error(`read failed after ${at} bytes: ${r.error.message}`);
    if (r.value === EOF) throw new Error(`EOF after ${at} of ${n} bytes`);
    out.set(r.value, at);
    at += r.value.byteLength;
  }
  if (at !== n) throw new Error(`read ${at} of ${n} bytes`);
  return out;
}

describe('a listener reads nothing from a connection until it is accepted', () => {
  it('six unaccepted flows each sent 3 MiB (one message, or 64 KiB messages) read nothing; after accept every byte arrives in order', async () => {
    const l = await served({});
    const size = 3 * MiB;
    const clients: WebSocketFlow[] = [];
    for (let i = 0; i < 6; i++) clients.push(await dial(l.address.url, i % 2 === 0 ? size : 64 * KiB));
    // Not awaited: with nobody reading, these writes wait on TCP backpressure.
    const writes = clients.map((c, i) => c.write(pattern(i, size)));
    // Time for a listener that reads unaccepted connections to take it all in.
    await sleep(500);
    const readBeforeAccept: number[] = [];
    const flows: WebSocketFlow[] = [];
    for (let i = 0; i < clients.length; i++) {
      const a = await l.accept();
      if (!a.ok) throw new Error(a.error.message);
      onTestFinished(() => a.value.abort());
      // Sampled before any I/O callback can run: what was read while queued.
      readBeforeAccept.push(a.value.bytesRead);
      flows.push(a.value);
    }
    expect(readBeforeAccept).toEqual([0, 0, 0, 0, 0, 0]);
    for (const [i, flow] of flows.entries()) {
      expect(Buffer.from(await readBytes(flow, size)).equals(pattern(i, size))).toBe(true);
    }
    expect((await Promise.all(writes)).map((w) => w.ok)).toEqual([true, true, true, true, true, true]);
  });

  it('an accept() already waiting when the connection arrives reads it at once', async () => {
    const l = await served({});
    const accepting = l.accept();
    const client = await dial(l.address.url, 64 * KiB);
    const a = await accepting;
    if (!a.ok) throw new Error(a.error.message);
    onTestFinished(() => a.value.abort());
    const write = client.write(pattern(7, 256 * KiB));
    expect(Buffer.from(await readBytes(a.value, 256 * KiB)).equals(pattern(7, 256 * KiB))).toBe(true);
    expect((await write).ok).toBe(true);
  });

  it('an accepted flow nobody reads stops at readHighWaterMark plus about one message', async () => {
    const readHighWaterMark = 256 * KiB;
    const message = 64 * KiB;
    const l = await served({ readHighWaterMark });
    const client = await dial(l.address.url, message);
    const a = await l.accept();
    if (!a.ok) throw new Error(a.error.message);
    onTestFinished(() => a.value.abort());
    const size = 8 * MiB;
    const write = client.write(pattern(3, size));
    await sleep(500);
    // One socket read (64 KiB) can hold the frames delivered after the pause.
    expect(a.value.bytesRead).toBeGreaterThanOrEqual(readHighWaterMark);
    expect(a.value.bytesRead).toBeLessThanOrEqual(readHighWaterMark + message + 64 * KiB);
    expect(Buffer.from(await readBytes(a.value, size)).equals(pattern(3, size))).toBe(true);
    expect((await write).ok).toBe(true);
  });
});

describe('holdReading', () => {
  it('reads only when neither the listener holds it nor the flow paused it', () => {
    const calls: string[] = [];
    const inner: MessageSocket = {
      protocol: '',
      sendBinary: () => {},
      sendText: () => {},
      close: () => {},
      terminate: () => {},
      pause: () => calls.push('pause'),
      resume: () => calls.push('resume'),
      start: () => {},
    };
    const held = holdReading(inner);
    expect(calls).toEqual(['pause']);
    held.socket.pause(); // the flow hit readHighWaterMark while held
    held.socket.resume(); // and was read below it again: still held
    expect(calls).toEqual(['pause', 'pause']);
    held.socket.pause();
    held.release(); // accepted while the flow is paused: stays paused
    held.release();
    expect(calls).toEqual(['pause', 'pause', 'pause']);
    held.socket.resume();
    expect(calls).toEqual(['pause', 'pause', 'pause', 'resume']);
  });
});
