import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EOF, type Flow, formatError, formatWriteError } from '@flowkit/flow-types';
import * as tcp from '@flowkit/tcp';
import * as tls from '@flowkit/tls';
import * as unix from '@flowkit/unix';
import type { TourCertificates } from '../tour/certs.js';

/** Transports a real peer process can be killed under. */
export type KillTransport = 'tcp' | 'unix' | 'tls';
/** Which way data was moving when the peer died: `peer-sends` (we read) or `peer-reads` (we write). */
export type KillDirection = 'peer-sends' | 'peer-reads';

/** What happened to our flow when its peer process was SIGKILLed. */
export interface KillOutcome {
  readonly transport: KillTransport;
  readonly direction: KillDirection;
  /** Bytes moved before the kill. */
  readonly bytesBefore: number;
  /** How our reads ended: `EOF` or an error type (`reset`, `truncated`…); `hung` if they did not. */
  readonly readEnd: string;
  /** How our writes ended (`peer-reads` only; `closed`, `reset`…), or `hung`. */
  readonly writeEnd: string;
  /** The read that was pending at the moment of the kill resolved. */
  readonly pendingReadResolved: boolean;
  /** The write that was pending at the moment of the kill resolved (`peer-reads` only). */
  readonly pendingWriteResolved: boolean;
  /** Messages, for the record. */
  readonly detail: string;
}

/**
 * The peer: a plain Node process (not flowkit) that listens on tcp, unix or
 * tls, prints `ready <port or path>`, and on its one connection either sends
 * 16 KiB chunks as fast as it can (`peer-sends`) or reads and discards
 * (`peer-reads`) until it is killed. It exits by itself after 60 s, so a
 * lost child cannot linger.
 */
const PEER = `
const net = require('node:net');
const tls = require('node:tls');
const [transport, direction, where] = process.argv.slice(1);
setTimeout(() => process.exit(3), 60000).unref();
const onSocket = (s) => {
  s.on('error', () => {});
  if (direction === 'peer-sends') {
    const chunk = Buffer.alloc(16384, 97);
    const pump = () => { while (s.write(chunk)) {} };
    s.on('drain', pump);
    pump();
  } else {
    s.resume();
  }
};
let server;
if (transport === 'tls') {
  server = tls.createServer({ cert: process.env.PEER_CERT, key: process.env.PEER_KEY }, onSocket);
  server.on('tlsClientError', () => {});
} else {
  server = net.createServer(onSocket);
}
const report = () => process.stdout.write('ready ' + (transport === 'unix' ? where : server.address().port) + '\\n');
if (transport === 'unix') server.listen(where, report);
else server.listen(0, '127.0.0.1', report);
`;

const DEADLINE_MS = 10_000;

type Settled<T> = { done: true; value: T } | { done: false };

/** Awaits `p` for at most `ms`; a promise still pending then is reported, not awaited. */
async function within<T>(p: Promise<T>, ms: number): Promise<Settled<T>> {
  let cancel = () => {};
  const timeout = new Promise<{ done: false }>((resolve) => {
    const t = setTimeout(() => resolve({ done: false }), ms);
    cancel = () => clearTimeout(t);
  });
  const r = await Promise.race([p.then((value) => ({ done: true as const, value })), timeout]);
  cancel();
  return r;
}

async function dial(
  transport: KillTransport,
  where: string,
  certs: TourCertificates | undefined,
): Promise<Flow | string> {
  const r =
    transport === 'tcp'
      ? await tcp.connect({ host: '127.0.0.1', port: Number(where) })
      : transport === 'unix'
        ? await unix.connect({ path: where })
        : await tls.connect({ host: '127.0.0.1', port: Number(where), ca: certs!.ca });
  return r.ok ? r.value : formatError(r.error);
}

/**
 * Starts the peer process, connects to it with flowkit, moves data until
 * at least 256 KiB went the chosen way, then SIGKILLs the peer with a read
 * (and, when we write, a write) in flight. Reads and writes then continue
 * until they end, at most 10 s and 10,000 operations. The child is always
 * reaped and the flow aborted before this resolves; never rejects for I/O.
 */
export async function killPeer(
  transport: KillTransport,
  direction: KillDirection,
  certs?: TourCertificates,
): Promise<KillOutcome> {
  const dir = transport === 'unix' ? await mkdtemp(join(tmpdir(), 'flowkit-kill-')) : undefined;
  const child = spawn(process.execPath, ['-e', PEER, transport, direction, dir ? join(dir, 's') : ''], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, PEER_CERT: certs?.cert ?? '', PEER_KEY: certs?.key ?? '' },
  });
  const exited = once(child, 'exit');
  let flow: Flow | undefined;
  const base = { transport, direction };
  try {
    child.stdout.setEncoding('utf8');
    let out = '';
    const ready = await within(
      new Promise<string>((resolve) => {
        const onData = (d: string) => {
          out += d;
          const m = /ready (\S+)\n/.exec(out);
          if (m) {
            child.stdout.off('data', onData);
            resolve(m[1]!);
          }
        };
        child.stdout.on('data', onData);
      }),
      DEADLINE_MS,
    );
    if (!ready.done) throw new Error('peer process did not start');
    const dialed = await dial(transport, ready.value, certs);
    if (typeof dialed === 'string') throw new Error(`could not reach the peer: ${dialed}`);
    flow = dialed;
    let bytesBefore = 0;
    const details: string[] = [];
    if (direction === 'peer-sends') {
      while (bytesBefore < 256 * 1024) {
        const r = await flow.read();
        if (!r.ok || r.value === EOF) throw new Error('peer stopped sending before the kill');
        bytesBefore += r.value.length;
      }
      // A read in flight at the moment of death (data may still be queued,
      // so keep reading after it until the end).
      const pending = flow.read();
      child.kill('SIGKILL');
      const first = await within(pending, DEADLINE_MS);
      let readEnd = 'hung';
      if (first.done) {
        let r = first.value;
        for (let i = 0; i < 10_000; i++) {
          if (!r.ok) {
            readEnd = r.error.type;
            details.push(formatError(r.error));
            break;
          }
          if (r.value === EOF) {
            readEnd = 'EOF';
            break;
          }
          const next = await within(flow.read(), DEADLINE_MS);
          if (!next.done) break;
          r = next.value;
        }
      }
      // A write to the dead peer resolves too (closed or an error, or ok if the kernel took it).
      const w = await within(flow.write(new Uint8Array(10)), DEADLINE_MS);
      const writeEnd = w.done ? (w.value.ok ? 'ok' : w.value.error.type) : 'hung';
      return {
        ...base,
        bytesBefore,
        readEnd,
        writeEnd,
        pendingReadResolved: first.done,
        pendingWriteResolved: w.done,
        detail: details.join('; '),
      };
    }
    // peer-reads: we write until the peer has taken 256 KiB, then kill it mid-write.
    const chunk = () => new Uint8Array(16 * 1024).fill(98);
    while (bytesBefore < 256 * 1024) {
      const w = await flow.write(chunk());
      if (!w.ok) throw new Error(`write before the kill failed: ${formatWriteError(w.error)}`);
      bytesBefore += 16 * 1024;
    }
    const pendingRead = flow.read();
    const pendingWrite = flow.write(chunk());
    child.kill('SIGKILL');
    const pw = await within(pendingWrite, DEADLINE_MS);
    let writeEnd = 'hung';
    if (pw.done) {
      let w = pw.value;
      const until = Date.now() + DEADLINE_MS;
      for (let i = 0; i < 10_000 && Date.now() < until; i++) {
        if (!w.ok) {
          writeEnd = w.error.type;
          details.push(formatWriteError(w.error));
          break;
        }
        const next = await within(flow.write(chunk()), DEADLINE_MS);
        if (!next.done) break;
        w = next.value;
        // Give the kernel's RST a turn to arrive between writes.
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    }
    const pr = await within(pendingRead, DEADLINE_MS);
    let readEnd = 'hung';
    if (pr.done) {
      const r = pr.value;
      readEnd = !r.ok ? r.error.type : r.value === EOF ? 'EOF' : 'data';
      if (!r.ok) details.push(formatError(r.error));
    }
    return {
      ...base,
      bytesBefore,
      readEnd,
      writeEnd,
      pendingReadResolved: pr.done,
      pendingWriteResolved: pw.done,
      detail: details.join('; '),
    };
  } finally {
    flow?.abort();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }
}
