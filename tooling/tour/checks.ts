import { EOF, type Flow, formatError, formatWriteError } from '@flowkit/flow-types';

/** What one tour check measured. */
export interface CheckResult {
  readonly ok: boolean;
  readonly detail: string;
}

/** Fills a buffer with a seeded pattern, so the echo can be checked byte for byte. */
export function pattern(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Reads until EOF or `limit` bytes, whichever first. Errors are returned as text. */
async function drain(
  flow: Flow,
  limit: number,
): Promise<{ bytes: number; chunks: Uint8Array[]; error?: string }> {
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  while (bytes < limit) {
    const r = await flow.read();
    if (!r.ok) return { bytes, chunks, error: formatError(r.error) };
    if (r.value === EOF) break;
    chunks.push(r.value);
    bytes += r.value.byteLength;
  }
  return { bytes, chunks };
}

function equal(chunks: Uint8Array[], expected: Uint8Array): boolean {
  let offset = 0;
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.byteLength; i++) {
      if (chunk[i] !== expected[offset + i]) return false;
    }
    offset += chunk.byteLength;
  }
  return offset === expected.byteLength;
}

/** The server half of the echo check: echo until EOF, then close. */
async function echoServer(flow: Flow): Promise<void> {
  for (;;) {
    const r = await flow.read();
    if (!r.ok || r.value === EOF) break;
    if (!(await flow.write(r.value)).ok) break;
  }
  await flow.close();
}

/** Sends 1 MiB in 16 KiB writes through an echo server and compares what comes back. */
export async function echo([client, server]: readonly [Flow, Flow]): Promise<CheckResult> {
  const size = 1 << 20;
  const data = pattern(size, 7);
  const served = echoServer(server);
  const received = drain(client, size + 1);
  for (let offset = 0; offset < size; offset += 16_384) {
    const w = await client.write(data.slice(offset, offset + 16_384));
    if (!w.ok) return { ok: false, detail: `write: ${formatWriteError(w.error)}` };
  }
  const closed = client.close();
  const got = await received;
  await Promise.all([closed, served]);
  if (got.error) return { ok: false, detail: `read: ${got.error}` };
  return equal(got.chunks, data)
    ? { ok: true, detail: '1 MiB byte-exact' }
    : { ok: false, detail: `echoed ${got.bytes} bytes that differ from the 1 MiB sent` };
}

/** Writes 64 KiB chunks for about `ms` (and at most 4 GiB) while the peer reads; returns MB/s. */
export async function bulk([writer, reader]: readonly [Flow, Flow], ms: number): Promise<CheckResult> {
  const chunk = pattern(65_536, 3);
  const received = drain(reader, Number.POSITIVE_INFINITY);
  const start = performance.now();
  let sent = 0;
  while (performance.now() - start < ms && sent < 4 * 2 ** 30) {
    // A fresh view per write: the flow may hand the buffer on without copying.
    const w = await writer.write(chunk.subarray(0));
    if (!w.ok) return { ok: false, detail: `write: ${formatWriteError(w.error)}` };
    sent += chunk.byteLength;
  }
  const closed = writer.close();
  const got = await received;
  const seconds = (performance.now() - start) / 1000;
  await reader.close();
  await closed;
  if (got.error) return { ok: false, detail: `read: ${got.error}` };
  if (got.bytes !== sent) return { ok: false, detail: `sent ${sent} bytes, received ${got.bytes}` };
  return { ok: true, detail: `${(sent / seconds / 1e6).toFixed(0)} MB/s` };
}

/** 1-byte ping-pong for about `ms` (and at most 200,000 rounds); returns round trips per second. */
export async function roundTrips([client, server]: readonly [Flow, Flow], ms: number): Promise<CheckResult> {
  const served = echoServer(server);
  const ping = new Uint8Array([42]);
  const start = performance.now();
  let rounds = 0;
  while (performance.now() - start < ms && rounds < 200_000) {
    const w = await client.write(ping.subarray(0));
    if (!w.ok) return { ok: false, detail: `write: ${formatWriteError(w.error)}` };
    const r = await client.read();
    if (!r.ok) return { ok: false, detail: `read: ${formatError(r.error)}` };
    if (r.value === EOF || r.value.byteLength !== 1 || r.value[0] !== 42) {
      return { ok: false, detail: 'the echo did not return the ping' };
    }
    rounds++;
  }
  const seconds = (performance.now() - start) / 1000;
  const closed = client.close();
  const rest = await drain(client, 1);
  await Promise.all([closed, served]);
  if (rest.error || rest.bytes !== 0) return { ok: false, detail: 'unexpected data after the last round' };
  return { ok: true, detail: `${Math.round(rounds / seconds).toLocaleString('en-US')} rt/s` };
}

/**
 * Half-close both ways: A sends and closes; B still reads A's data then EOF,
 * B still writes and A still reads it; A's close resolves only after B closes.
 */
export async function halfClose([a, b]: readonly [Flow, Flow]): Promise<CheckResult> {
  const hello = new TextEncoder().encode('hello');
  const reply = new TextEncoder().encode('reply after your EOF');
  if (!(await a.write(hello)).ok) return { ok: false, detail: 'A could not write' };
  let aClosed = false;
  const aClose = a.close().then(() => {
    aClosed = true;
  });
  const atB = await drain(b, 1 << 10);
  if (atB.error || !equal(atB.chunks, hello))
    return { ok: false, detail: 'B did not get the data, then EOF' };
  if (aClosed) return { ok: false, detail: "A's close resolved before B closed" };
  if (!(await b.write(reply)).ok) return { ok: false, detail: 'B could not write after EOF' };
  await b.close();
  const atA = await drain(a, 1 << 10);
  await aClose;
  if (atA.error || !equal(atA.chunks, reply))
    return { ok: false, detail: 'A did not read B’s reply after closing' };
  return { ok: true, detail: 'both directions' };
}
