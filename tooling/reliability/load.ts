import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ConnectError,
  EOF,
  type Flow,
  formatError,
  formatWriteError,
  type Listener,
  type Result,
} from '@flowkit/flow-types';
import * as tcp from '@flowkit/tcp';
import * as unix from '@flowkit/unix';
import { PatternBook as Book, mix, type PatternBook, rng } from './pattern.js';

/** A transport the load scenario runs over. */
export type LoadTransport = 'tcp' | 'unix';

/** What {@link runLoad} does. */
export interface LoadOptions {
  readonly transport: LoadTransport;
  /** Concurrent flows, all open at once. */
  readonly flows: number;
  /** Largest amount each direction of a flow carries, in bytes (each draws 0…maxBytes). */
  readonly maxBytes: number;
  /** Seed of the sizes, chunkings and byte patterns. */
  readonly seed: number;
  /** Hard bound on the whole run, in ms: when it passes every flow is aborted and reported. */
  readonly deadlineMs: number;
}

/** What {@link runLoad} saw. Bytes count both directions. */
export interface LoadReport {
  readonly transport: LoadTransport;
  readonly flows: number;
  /** Flows whose both directions carried every byte, byte-exact, then EOF. */
  readonly completed: number;
  /** Bytes the two ends were meant to exchange. */
  readonly bytesExpected: number;
  /** Bytes read and found equal to the pattern. */
  readonly bytesChecked: number;
  /** Expected bytes that never arrived or arrived wrong. */
  readonly bytesLost: number;
  /** Every error, connect/accept/read/write, and every mismatch. */
  readonly errorCount: number;
  /** The first few errors, one line each. */
  readonly errors: readonly string[];
  readonly ms: number;
}

const HEADER = 4;

interface Tally {
  bytesChecked: number;
  bytesLost: number;
  completed: number;
  errorCount: number;
  errors: string[];
}

function note(t: Tally, line: string): void {
  t.errorCount++;
  if (t.errors.length < 10) t.errors.push(line);
}

/** Bytes flow `id` sends in `direction` (0 up, 1 down). */
function sizeOf(seed: number, id: number, direction: number, maxBytes: number): number {
  return mix(seed, id, direction) % (maxBytes + 1);
}

/** Writes `total` pattern bytes in seeded chunk sizes, then half-closes. */
async function send(
  flow: Flow,
  book: PatternBook,
  key: number,
  total: number,
  seed: number,
  prefix: Uint8Array | undefined,
  t: Tally,
  label: string,
): Promise<boolean> {
  const stream = book.stream(key);
  const next = rng(seed);
  let offset = 0;
  if (prefix !== undefined) {
    const w = await flow.write(prefix);
    if (!w.ok) {
      note(t, `${label}: header write failed: ${formatWriteError(w.error)}`);
      return false;
    }
  }
  while (offset < total) {
    const n = Math.min(total - offset, 1 + (next() % 65_536));
    const chunk = new Uint8Array(n);
    stream.fill(chunk, offset);
    // Alternate write and writev so both paths carry load.
    const w = (next() & 1) === 0 ? await flow.write(chunk) : await flow.writev([chunk]);
    if (!w.ok) {
      note(t, `${label}: write at ${offset}/${total} failed: ${formatWriteError(w.error)}`);
      return false;
    }
    offset += n;
  }
  await flow.close();
  return true;
}

/** Reads to EOF, checking every byte against the pattern; `true` when all `total` bytes came intact. */
async function receive(
  flow: Flow,
  book: PatternBook,
  key: number,
  total: number,
  first: Uint8Array | undefined,
  t: Tally,
  label: string,
): Promise<boolean> {
  const stream = book.stream(key);
  let offset = 0;
  const take = (data: Uint8Array): boolean => {
    if (offset + data.length > total) {
      note(t, `${label}: ${offset + data.length - total} byte(s) more than the ${total} sent`);
      return false;
    }
    const bad = stream.check(data, offset);
    if (bad >= 0) {
      note(t, `${label}: byte ${offset + bad} differs from the pattern`);
      return false;
    }
    offset += data.length;
    t.bytesChecked += data.length;
    return true;
  };
  let good = first === undefined || first.length === 0 || take(first);
  while (good) {
    const r = await flow.read();
    if (!r.ok) {
      note(t, `${label}: read at ${offset}/${total} failed: ${formatError(r.error)}`);
      good = false;
      break;
    }
    if (r.value === EOF) break;
    good = take(r.value);
  }
  if (offset < total) {
    if (good) note(t, `${label}: EOF after ${offset} of ${total} bytes`);
    t.bytesLost += total - offset;
    return false;
  }
  return good;
}

/** Reads exactly the 4-byte header; returns the id and any payload bytes that came with it. */
async function readHeader(flow: Flow): Promise<{ id: number; rest: Uint8Array } | string> {
  const got: Uint8Array[] = [];
  let n = 0;
  while (n < HEADER) {
    const r = await flow.read();
    if (!r.ok) return `header read failed: ${formatError(r.error)}`;
    if (r.value === EOF) return `EOF before the header (${n} bytes)`;
    got.push(r.value);
    n += r.value.length;
  }
  const all = new Uint8Array(n);
  let at = 0;
  for (const g of got) {
    all.set(g, at);
    at += g.length;
  }
  const id = new DataView(all.buffer).getUint32(0);
  return { id, rest: all.subarray(HEADER) };
}

/**
 * Opens `flows` flows at once over loopback tcp or a unix socket in a temp
 * dir. Each flow's client and server both send a seeded random amount of
 * seeded pattern bytes (0…maxBytes) in random chunk sizes, half-close, and
 * read the other side's bytes to EOF, checking every byte. Nothing is kept
 * but counters. Every flow ends closed or aborted; the listener is closed
 * and the temp dir removed before this resolves.
 */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const { transport, flows, maxBytes, seed, deadlineMs } = options;
  const started = Date.now();
  const book = new Book(seed);
  const t: Tally = { bytesChecked: 0, bytesLost: 0, completed: 0, errorCount: 0, errors: [] };
  let bytesExpected = 0;
  for (let id = 0; id < flows; id++) {
    bytesExpected += sizeOf(seed, id, 0, maxBytes) + sizeOf(seed, id, 1, maxBytes);
  }
  const live = new Set<Flow>();
  let dir: string | undefined;
  let listener: Listener<Flow>;
  let dialOne: () => Promise<Result<Flow, ConnectError>>;
  if (transport === 'tcp') {
    const l = await tcp.listen({ host: '127.0.0.1', port: 0, backlog: 4096 });
    if (!l.ok) throw new Error(`load: listen failed: ${formatError(l.error)}`);
    listener = l.value;
    const port = l.value.address.port;
    dialOne = () => tcp.connect({ host: '127.0.0.1', port });
  } else {
    dir = await mkdtemp(join(tmpdir(), 'flowkit-load-'));
    const path = join(dir, 's');
    const l = await unix.listen({ path, backlog: 4096 });
    if (!l.ok) throw new Error(`load: listen failed: ${formatError(l.error)}`);
    listener = l.value;
    dialOne = () => unix.connect({ path });
  }
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    note(t, `deadline of ${deadlineMs} ms passed: aborting ${live.size} flow(s)`);
    for (const f of live) f.abort(new Error('load deadline'));
    void listener.close();
  }, deadlineMs);

  const serveOne = async (flow: Flow): Promise<void> => {
    live.add(flow);
    try {
      const header = await readHeader(flow);
      if (typeof header === 'string') {
        note(t, `server: ${header}`);
        flow.abort();
        return;
      }
      const { id, rest } = header;
      const up = sizeOf(seed, id, 0, maxBytes);
      const down = sizeOf(seed, id, 1, maxBytes);
      const label = `${transport} flow ${id}`;
      const [sent, got] = await Promise.all([
        send(flow, book, mix(id, 1), down, mix(seed, id, 11), undefined, t, `${label} server→client`),
        receive(flow, book, mix(id, 0), up, rest, t, `${label} client→server`),
      ]);
      if (!sent || !got) flow.abort();
    } finally {
      live.delete(flow);
    }
  };

  const servers: Promise<void>[] = [];
  const acceptAll = (async () => {
    for (let i = 0; i < flows && !timedOut; i++) {
      const a = await listener.accept();
      if (!a.ok) {
        if (!timedOut) note(t, `accept failed: ${formatError(a.error)}`);
        return;
      }
      servers.push(serveOne(a.value));
    }
  })();

  const clientOne = async (id: number): Promise<void> => {
    const up = sizeOf(seed, id, 0, maxBytes);
    const down = sizeOf(seed, id, 1, maxBytes);
    const label = `${transport} flow ${id}`;
    const c = await dialOne();
    if (!c.ok) {
      note(t, `${label}: connect failed: ${formatError(c.error)}`);
      t.bytesLost += up + down;
      return;
    }
    const flow = c.value;
    live.add(flow);
    if (timedOut) flow.abort();
    try {
      const header = new Uint8Array(HEADER);
      new DataView(header.buffer).setUint32(0, id);
      const [sent, got] = await Promise.all([
        send(flow, book, mix(id, 0), up, mix(seed, id, 10), header, t, `${label} client→server`),
        receive(flow, book, mix(id, 1), down, undefined, t, `${label} server→client`),
      ]);
      if (sent && got) t.completed++;
      else flow.abort();
    } finally {
      live.delete(flow);
    }
  };

  const clients: Promise<void>[] = [];
  for (let id = 0; id < flows; id++) clients.push(clientOne(id));
  await Promise.all(clients);
  await acceptAll;
  await Promise.all(servers);
  clearTimeout(timer);
  await listener.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  // Bytes of directions that failed are counted as lost by their reader.
  return {
    transport,
    flows,
    completed: t.completed,
    bytesExpected,
    bytesChecked: t.bytesChecked,
    bytesLost: t.bytesLost,
    errorCount: t.errorCount,
    errors: t.errors,
    ms: Date.now() - started,
  };
}
