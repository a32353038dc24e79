import { EOF, type Flow, type ReadOptions } from '@flowkit/flow-types';
import { type PairOptions, pair } from '@flowkit/memory';
import { type TcpListener, connect as tcpConnect, listen as tcpListen } from '@flowkit/tcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TlsFlow, wrapClient, wrapServer } from '../src/index.js';
import { type CertMatrix, makeCertMatrix } from './support/certs.js';

// Stress for the close_notify/EOF distinction: a clean close must read as EOF
// with every byte, however the bytes, close_notify and the transport's EOF
// are chunked, delayed or held back by a reader that is not reading; a
// transport that ends without close_notify must never read as EOF.

let m: CertMatrix;
let tcp: TcpListener;
beforeAll(async () => {
  m = makeCertMatrix();
  const l = await tcpListen({ host: '127.0.0.1', port: 0 });
  if (!l.ok) throw new Error(l.error.message);
  tcp = l.value;
});
afterAll(async () => {
  await tcp?.close();
  m?.cleanup();
});

/**
 * Iterations per scenario: every combination of size, reader and goodbye
 * (5 × 3 × 2 for a clean close, 5 × 2 × 2 for truncation) twice. The budget
 * is a ceiling, never a discount: a scenario that ran fewer iterations within
 * it fails, saying how many ran.
 */
const CLEAN_ITERATIONS = 60;
const TRUNCATION_ITERATIONS = 40;
const BUDGET_MS = 20_000;

const KiB = 1024;
// 100 KiB does not fit in what the client holds while nobody reads (TLS
// readable buffer + flow queue), so the TLS socket is paused with data,
// close_notify and the inner EOF still in the pipe behind it.
const SIZES = [0, 1, 16 * KiB, 100 * KiB, 300 * KiB] as const;

function payload(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

/**
 * The inner flow, watched: `ended` resolves once the flow's owner (the TLS
 * layer's Duplex) has been handed `EOF`, `closed` once it called `closeWrite()`
 * or `close()` (which Node does only after every TLS record before it,
 * close_notify included, was accepted by the flow).
 */
class Watched implements Flow {
  readonly ended: Promise<void>;
  readonly closed: Promise<void>;
  #ended!: () => void;
  #closed!: () => void;

  constructor(readonly inner: Flow) {
    this.ended = new Promise((resolve) => {
      this.#ended = resolve;
    });
    this.closed = new Promise((resolve) => {
      this.#closed = resolve;
    });
  }

  read(options?: ReadOptions) {
    return this.inner.read(options).then((r) => {
      if (!r.ok || r.value === EOF) this.#ended();
      return r;
    });
  }
  write(buffer: Uint8Array) {
    return this.inner.write(buffer);
  }
  writev(buffers: readonly Uint8Array[]) {
    return this.inner.writev(buffers);
  }
  closeWrite() {
    this.#closed();
    return this.inner.closeWrite();
  }
  close(options?: Parameters<Flow['close']>[0]) {
    this.#closed();
    return this.inner.close(options);
  }
  abort(reason?: unknown) {
    this.#closed();
    this.inner.abort(reason);
  }
}

interface Tls {
  readonly client: TlsFlow;
  readonly server: TlsFlow;
  /** The client's inner flow. */
  readonly clientInner: Watched;
  /** The server's inner flow. */
  readonly serverInner: Watched;
}

type Transport = (seed: number) => Promise<[Flow, Flow]>;

const memory =
  (options: (seed: number) => PairOptions = () => ({})): Transport =>
  async (seed) =>
    pair(options(seed));

const overTcp: Transport = async () => {
  const [c, s] = await Promise.all([tcpConnect({ host: '127.0.0.1', port: tcp.address.port }), tcp.accept()]);
  if (!c.ok || !s.ok) {
    if (c.ok) c.value.abort();
    if (s.ok) s.value.abort();
    throw new Error(`tcp: ${!c.ok ? c.error.message : !s.ok ? s.error.message : ''}`);
  }
  return [c.value, s.value];
};

async function tlsOver(transport: Transport, seed: number): Promise<Tls> {
  const [a, b] = await transport(seed);
  const clientInner = new Watched(a);
  const serverInner = new Watched(b);
  const [c, s] = await Promise.all([
    wrapClient(clientInner, { ca: m.root.cert, servername: 'localhost' }),
    wrapServer(serverInner, { cert: m.good.chain, key: m.good.key }),
  ]);
  if (!c.ok || !s.ok) {
    if (c.ok) c.value.abort();
    if (s.ok) s.value.abort();
    throw new Error(`handshake: ${!c.ok ? c.error.message : !s.ok ? s.error.message : ''}`);
  }
  return { client: c.value, server: s.value, clientInner, serverInner };
}

const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Reads to the end: every byte, then how it ended (`eof` or the error type). */
async function drain(flow: Flow, slow: boolean): Promise<{ bytes: Buffer; end: string }> {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < 1_000_000; i++) {
    if (slow) await macrotask();
    const r = await flow.read();
    if (!r.ok) return { bytes: Buffer.concat(parts), end: r.error.type };
    if (r.value === EOF) return { bytes: Buffer.concat(parts), end: 'eof' };
    parts.push(r.value);
  }
  throw new Error('drain: too many chunks');
}

/**
 * How the client reads:
 * - `eager`: reads at once, as fast as it can;
 * - `late`: reads nothing until the server has handed data, close_notify and
 *   its end-of-stream to the transport (for sizes the pipe can hold), so they
 *   meet a TLS socket that is not being read, paused when the data is large;
 * - `slow`: one read per turn of the event loop, so the TLS socket pauses and
 *   resumes all along, and close_notify and EOF come in while it is paused.
 */
type Reader = 'eager' | 'late' | 'slow';
const READERS: readonly Reader[] = ['eager', 'late', 'slow'];
/** What a 300 KiB transfer cannot wait for: the pipe holds less than that. */
const LATE_LIMIT = 100 * KiB;

/** The server's goodbye: `close()`, or `close()` then `close({ signal })` as `proxy` does. */
type Goodbye = 'close' | 'close+signal';

async function cleanClose(tls: Tls, data: Buffer, reader: Reader, goodbye: Goodbye) {
  const { client, server, serverInner } = tls;
  const never = new AbortController();
  const sending = (async () => {
    const w = await server.write(data);
    const first = server.close();
    const second = goodbye === 'close+signal' ? server.close({ signal: never.signal }) : first;
    await Promise.all([first, second]);
    return w.ok;
  })();
  if (reader === 'late' && data.length <= LATE_LIMIT) {
    await serverInner.closed;
    await macrotask();
  }
  const got = await drain(client, reader === 'slow');
  await client.close();
  const wrote = await sending;
  return { wrote, got };
}

async function stress(
  transport: Transport,
  iteration: (tls: Tls, i: number) => Promise<string | undefined>,
  iterations: number,
): Promise<{ runs: number; failures: string[] }> {
  const failures: string[] = [];
  const deadline = Date.now() + BUDGET_MS;
  let runs = 0;
  for (let i = 0; i < iterations && Date.now() < deadline; i++) {
    const tls = await tlsOver(transport, i);
    try {
      const failure = await iteration(tls, i);
      if (failure !== undefined) failures.push(`#${i}: ${failure}`);
    } finally {
      tls.client.abort();
      tls.server.abort();
    }
    runs++;
  }
  return { runs, failures };
}

function cleanCloseIteration(tls: Tls, i: number): Promise<string | undefined> {
  const size = SIZES[i % SIZES.length]!;
  const reader = READERS[Math.floor(i / SIZES.length) % READERS.length]!;
  const goodbye: Goodbye =
    Math.floor(i / (SIZES.length * READERS.length)) % 2 === 0 ? 'close' : 'close+signal';
  const data = payload(size, i);
  return cleanClose(tls, data, reader, goodbye).then(({ wrote, got }) => {
    const what = `${size} B, ${reader} reader, ${goodbye}`;
    if (!wrote) return `${what}: the server's write failed`;
    if (got.end !== 'eof') return `${what}: read ended with ${got.end} after ${got.bytes.length} B`;
    if (!got.bytes.equals(data)) return `${what}: got ${got.bytes.length} B, not the bytes sent`;
    return undefined;
  });
}

/**
 * The transport ends under an open TLS session, after some data: either its
 * write side is closed (a FIN, no close_notify) or it is aborted (a reset).
 * `read-first`: the client has read every byte before the transport goes.
 */
async function truncationIteration(tls: Tls, i: number): Promise<string | undefined> {
  const { client, server, serverInner } = tls;
  const size = SIZES[i % SIZES.length]!;
  const how = Math.floor(i / SIZES.length) % 2 === 0 ? 'fin' : 'abort';
  const readFirst = Math.floor(i / (SIZES.length * 2)) % 2 === 0;
  const data = payload(size, i);
  const what = `${size} B, transport ${how === 'fin' ? 'closed' : 'aborted'}${readFirst ? ' after the client read it all' : ''}`;
  const writing = server.write(data);
  let before = Buffer.alloc(0);
  if (readFirst) {
    const parts: Uint8Array[] = [];
    let n = 0;
    while (n < size) {
      const r = await client.read();
      if (!r.ok || r.value === EOF) return `${what}: read ended early (${r.ok ? 'EOF' : r.error.type})`;
      parts.push(r.value);
      n += r.value.length;
    }
    before = Buffer.concat(parts);
    await writing;
  }
  let closing: Promise<void> | undefined;
  if (how === 'fin') closing = serverInner.inner.close();
  else serverInner.inner.abort(new Error('test: transport dropped'));
  const got = await drain(client, false);
  const again = await client.read();
  client.abort();
  server.abort();
  serverInner.inner.abort();
  await closing;
  const bytes = Buffer.concat([before, got.bytes]);
  if (!data.subarray(0, bytes.length).equals(bytes)) return `${what}: the bytes read are not what was sent`;
  const allowed = how === 'fin' ? ['truncated'] : ['truncated', 'reset'];
  if (!allowed.includes(got.end))
    return `${what}: read ended with ${got.end}, expected ${allowed.join(' or ')}`;
  const end2 = again.ok ? (again.value === EOF ? 'eof' : 'data') : again.error.type;
  if (end2 === 'eof' || end2 === 'data') return `${what}: the next read gave ${end2}`;
  return undefined;
}

const faulty = memory((seed) => ({ faults: { seed, rechunk: { maxChunk: 7 } } }));
const slowLink = memory((seed) => ({ faults: { seed, latency: { ms: 0, jitterMs: 1 } } }));

describe('a clean close (close_notify, then the transport ends) reads as EOF with every byte', () => {
  it('over a memory pair', async () => {
    const { runs, failures } = await stress(memory(), cleanCloseIteration, CLEAN_ITERATIONS);
    expect(failures).toEqual([]);
    expect(runs, `ran ${runs} of ${CLEAN_ITERATIONS} iterations within ${BUDGET_MS} ms`).toBe(
      CLEAN_ITERATIONS,
    );
  });

  it('over a memory pair that re-chunks everything into pieces of 1–7 bytes', async () => {
    const { runs, failures } = await stress(faulty, cleanCloseIteration, CLEAN_ITERATIONS);
    expect(failures).toEqual([]);
    expect(runs, `ran ${runs} of ${CLEAN_ITERATIONS} iterations within ${BUDGET_MS} ms`).toBe(
      CLEAN_ITERATIONS,
    );
  });

  it('over a memory pair with latency', async () => {
    const { runs, failures } = await stress(slowLink, cleanCloseIteration, CLEAN_ITERATIONS);
    expect(failures).toEqual([]);
    expect(runs, `ran ${runs} of ${CLEAN_ITERATIONS} iterations within ${BUDGET_MS} ms`).toBe(
      CLEAN_ITERATIONS,
    );
  });

  it('over TCP on 127.0.0.1', async () => {
    const { runs, failures } = await stress(overTcp, cleanCloseIteration, CLEAN_ITERATIONS);
    expect(failures).toEqual([]);
    expect(runs, `ran ${runs} of ${CLEAN_ITERATIONS} iterations within ${BUDGET_MS} ms`).toBe(
      CLEAN_ITERATIONS,
    );
  });
});

describe('a transport that ends without close_notify never reads as EOF', () => {
  it('over a memory pair', async () => {
    const { runs, failures } = await stress(memory(), truncationIteration, TRUNCATION_ITERATIONS);
    expect(failures).toEqual([]);
    expect(runs, `ran ${runs} of ${TRUNCATION_ITERATIONS} iterations within ${BUDGET_MS} ms`).toBe(
      TRUNCATION_ITERATIONS,
    );
  });

  it('over a memory pair that re-chunks everything into pieces of 1–7 bytes', async () => {
    const { runs, failures } = await stress(faulty, truncationIteration, TRUNCATION_ITERATIONS);
    expect(failures).toEqual([]);
    expect(runs, `ran ${runs} of ${TRUNCATION_ITERATIONS} iterations within ${BUDGET_MS} ms`).toBe(
      TRUNCATION_ITERATIONS,
    );
  });

  it('over TCP on 127.0.0.1', async () => {
    const { runs, failures } = await stress(overTcp, truncationIteration, TRUNCATION_ITERATIONS);
    expect(failures).toEqual([]);
    expect(runs, `ran ${runs} of ${TRUNCATION_ITERATIONS} iterations within ${BUDGET_MS} ms`).toBe(
      TRUNCATION_ITERATIONS,
    );
  });
});

describe('close() called again with a signal (what proxy does) while close_notify is on its way', () => {
  // The flowcat flake: the second call closed the transport at once, its FIN
  // overtook close_notify (still queued in the TLS socket), and the peer
  // rightly saw a truncation.
  for (const [name, transport] of [
    ['memory', memory()],
    ['TCP', overTcp],
  ] as const) {
    it(`does not cut close_notify off: the peer reads every byte, then EOF (${name})`, async () => {
      const failures: string[] = [];
      for (let i = 0; i < 20; i++) {
        const tls = await tlsOver(transport, i);
        try {
          const data = payload(i % 2 === 0 ? 4 : 16 * KiB, i);
          const { wrote, got } = await cleanClose(tls, data, 'eager', 'close+signal');
          if (!wrote || got.end !== 'eof' || !got.bytes.equals(data)) {
            failures.push(`#${i}: ${got.end} after ${got.bytes.length} of ${data.length} B`);
          }
        } finally {
          tls.client.abort();
          tls.server.abort();
        }
      }
      expect(failures).toEqual([]);
    });
  }

  it('still bounds the close: when that signal fires, the flow is aborted and close resolves', async () => {
    const { client, server } = await tlsOver(memory(), 0);
    const first = server.close(); // the client never closes: this alone would wait forever
    const stop = new AbortController();
    const second = server.close({ signal: stop.signal });
    expect(second).toBe(first);
    // close_notify went out all the same.
    expect((await drain(client, false)).end).toBe('eof');
    stop.abort(new Error('enough'));
    await first;
    const w = await server.write(Buffer.from('late'));
    expect(w.ok ? 'ok' : w.error.type).toBe('closed');
    const r = await server.read();
    expect(r.ok ? 'ok' : r.error.type).toBe('aborted');
    client.abort();
  });

  it('a signal that already fired aborts at once, on a first or a later call', async () => {
    for (const later of [false, true]) {
      const { client, server } = await tlsOver(memory(), 0);
      if (later) void server.close();
      await server.close({ signal: AbortSignal.abort() });
      const w = await server.write(Buffer.from('x'));
      expect(w.ok ? 'ok' : w.error.type).toBe('closed');
      client.abort();
    }
  });
});
