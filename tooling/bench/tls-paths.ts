// The ceiling of each path TLS could take on Node, measured side by side:
//
//   native   node:tls on the net.Socket (TLSWrap on the TCP handle)
//   thin     node:tls over ONE pass-through Duplex around the net.Socket
//   flowkit  @flowkit/tls connect/listen as they are
//
//   tsx --conditions=@flowkit/source tooling/bench/tls-paths.ts [bulk|ping] [rounds] [ms]
//
// Both ends live in this process; rounds are interleaved (native, thin,
// flowkit, again), CPU is process.cpuUsage() for both ends. Prints each
// path's median [min–max] and its ratio to native. Used for the table in
// packages/tls/README.md ("Performance, and why TLS stays above a JS stream").
import { once } from 'node:events';
import { createServer, connect as netConnect, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { createSecureContext, TLSSocket, connect as tlsConnect } from 'node:tls';
import { EOF } from '@flowkit/flow-types';
import { connect, listen } from '@flowkit/tls';
import { makeCertificate } from './certs.js';

type Path = 'native' | 'thin' | 'flowkit';
const PATHS: readonly Path[] = ['native', 'thin', 'flowkit'];
interface Sample {
  /** MiB/s (bulk) or round trips/s (ping). */
  readonly rate: number;
  /** CPU microseconds per MiB (bulk) or per round trip (ping). */
  readonly cpu: number;
}

/** The thin path: every byte of the socket, both ways, through one Duplex and nothing else. */
class Bridge extends Duplex {
  readonly #socket: Socket;
  constructor(socket: Socket) {
    super({ allowHalfOpen: true });
    this.#socket = socket;
    socket.on('data', (d: Buffer) => {
      if (!this.push(d)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('error', (e) => this.destroy(e));
  }
  override _read(): void {
    this.#socket.resume();
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (e?: Error | null) => void): void {
    if (this.#socket.write(chunk)) done();
    else this.#socket.once('drain', () => done());
  }
  override _final(done: (e?: Error | null) => void): void {
    this.#socket.end();
    done();
  }
  override _destroy(error: Error | null, done: (e?: Error | null) => void): void {
    this.#socket.destroy();
    done(error);
  }
}

const made = await makeCertificate();
if (typeof made === 'string') throw new Error(made);
const { cert, key } = made;
const serverContext = createSecureContext({ cert, key });
const clientContext = createSecureContext({ ca: cert });

/** A connected pair of node:tls sockets on the native or the thin path. */
async function nodePair(path: 'native' | 'thin'): Promise<[TLSSocket, TLSSocket]> {
  const accepted: TLSSocket[] = [];
  const server = createServer({ allowHalfOpen: true }, (raw) => {
    accepted.push(
      new TLSSocket(path === 'thin' ? new Bridge(raw) : raw, {
        isServer: true,
        secureContext: serverContext,
      }),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const raw = netConnect((server.address() as { port: number }).port, '127.0.0.1');
  await once(raw, 'connect');
  const client = tlsConnect({
    socket: path === 'thin' ? new Bridge(raw) : raw,
    secureContext: clientContext,
    servername: 'localhost',
  });
  await once(client, 'secureConnect');
  for (let i = 0; i < 1000 && accepted.length === 0; i++) await new Promise((r) => setTimeout(r, 2));
  server.close();
  return [client, accepted[0]!];
}

async function flowkitPair() {
  const l = await listen({ host: '127.0.0.1', port: 0, cert, key });
  if (!l.ok) throw new Error(l.error.message);
  const [c, s] = await Promise.all([
    connect({ host: '127.0.0.1', port: l.value.address.port, ca: cert, servername: 'localhost' }),
    l.value.accept(),
  ]);
  if (!c.ok || !s.ok) throw new Error('flowkit pair failed');
  return { c: c.value, s: s.value, close: () => l.value.close() };
}

function measure(start: { t: number; cpu: NodeJS.CpuUsage }, units: number, perMiB: boolean): Sample {
  const seconds = (performance.now() - start.t) / 1000;
  const cpu = process.cpuUsage(start.cpu);
  const n = perMiB ? units / 2 ** 20 : units;
  return { rate: n / seconds, cpu: (cpu.user + cpu.system) / n };
}

const begin = () => ({ t: performance.now(), cpu: process.cpuUsage() });
const CHUNK = Buffer.alloc(64 * 1024, 1);
const ONE = Buffer.from([1]);

async function bulk(path: Path, ms: number): Promise<Sample> {
  if (path === 'flowkit') {
    const { c, s, close } = await flowkitPair();
    let got = 0;
    const reading = (async () => {
      for (;;) {
        const r = await s.read();
        if (!r.ok || r.value === EOF) return;
        got += r.value.length;
      }
    })();
    const start = begin();
    while (performance.now() - start.t < ms) await c.write(CHUNK.subarray(0));
    await c.closeWrite();
    await reading;
    const sample = measure(start, got, true);
    c.abort();
    s.abort();
    await close();
    return sample;
  }
  const [w, r] = await nodePair(path);
  let got = 0;
  r.on('data', (d: Buffer) => {
    got += d.length;
  });
  const ended = once(r, 'end');
  const start = begin();
  while (performance.now() - start.t < ms) if (!w.write(CHUNK)) await once(w, 'drain');
  w.end();
  await ended;
  const sample = measure(start, got, true);
  w.destroy();
  r.destroy();
  return sample;
}

async function ping(path: Path, ms: number): Promise<Sample> {
  let n = 0;
  if (path === 'flowkit') {
    const { c, s, close } = await flowkitPair();
    const echo = (async () => {
      for (;;) {
        const r = await s.read();
        if (!r.ok || r.value === EOF) return;
        await s.write(r.value);
      }
    })();
    const start = begin();
    while (performance.now() - start.t < ms) {
      await c.write(ONE);
      await c.read();
      n++;
    }
    const sample = measure(start, n, false);
    c.abort();
    s.abort();
    await echo;
    await close();
    return sample;
  }
  const [a, b] = await nodePair(path);
  b.on('data', (d: Buffer) => b.write(d));
  const start = begin();
  while (performance.now() - start.t < ms) {
    a.write(ONE);
    await once(a, 'data');
    n++;
  }
  const sample = measure(start, n, false);
  a.destroy();
  b.destroy();
  return sample;
}

const [mode = 'bulk', roundsText = '5', msText = '1000'] = process.argv.slice(2);
const run = mode === 'ping' ? ping : bulk;
const samples = new Map<Path, Sample[]>(PATHS.map((p) => [p, []]));
for (let i = 0; i < Number(roundsText); i++) {
  for (const path of PATHS) samples.get(path)!.push(await run(path, Number(msText)));
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const native = samples.get('native')!;
for (const path of PATHS) {
  const s = samples.get(path)!;
  const rates = s.map((x) => x.rate);
  const cpus = s.map((x) => x.cpu);
  console.log(
    `${path.padEnd(8)} ${mode === 'ping' ? 'round trips/s' : 'MiB/s'} ${median(rates).toFixed(0)} ` +
      `[${Math.min(...rates).toFixed(0)}–${Math.max(...rates).toFixed(0)}] ` +
      `(${(median(rates) / median(native.map((x) => x.rate))).toFixed(2)} of native), ` +
      `CPU µs/${mode === 'ping' ? 'round trip' : 'MiB'} ${median(cpus).toFixed(0)} ` +
      `(${(median(cpus) / median(native.map((x) => x.cpu))).toFixed(2)}×)`,
  );
}
