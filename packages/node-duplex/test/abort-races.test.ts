import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo, ListenOptions, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Flow } from '@flowkit/flow-types';
import { dial, serve } from '@flowkit/socket';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromNodeDuplex, type SocketFlow } from '../src/index.js';

// Races abort() against close/read/write on real tcp and unix sockets and
// checks that every socket handle is closed afterwards. The count of open
// handles is the assertion: each race waits (bounded) for the sockets'
// 'close' events, and a socket that never emits one is a leaked fd.

type Kind = 'tcp' | 'unix';
type Op = 'read' | 'write' | 'writev' | 'close' | 'abort';
const OPS: readonly Op[] = ['read', 'write', 'writev', 'close', 'abort'];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowkit-abort-races-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

/** xorshift32: the same seed gives the same interleaving. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % 1_000_003;
  };
}

/** Waits none, a few microtasks or one macrotask: where libuv's shutdown is still pending, or done. */
async function jitter(next: () => number): Promise<void> {
  const k = next() % 3;
  if (k === 1) for (let i = next() % 4; i > 0; i--) await Promise.resolve();
  if (k === 2) await new Promise((resolve) => setImmediate(resolve));
}

let paths = 0;
// `socket.closed` turns true as soon as destroy() has run; only 'close' says the handle is gone.
const emittedClose = new WeakSet<Socket>();

/** A connected pair, plus every raw socket either side created (to watch their 'close'). */
async function pair(kind: Kind): Promise<{ ends: [SocketFlow, SocketFlow]; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const wrap = (socket: Socket) => {
    sockets.push(socket);
    socket.once('close', () => emittedClose.add(socket));
    return fromNodeDuplex(socket);
  };
  const listenOptions: ListenOptions =
    kind === 'tcp' ? { host: '127.0.0.1', port: 0 } : { path: join(dir, `s${paths++}`) };
  const bound = await serve<SocketFlow, string>({}, listenOptions, {
    label: kind,
    describe: (server: Server) =>
      kind === 'tcp' ? String((server.address() as AddressInfo).port) : String(server.address()),
    wrap,
  });
  if (!bound.ok) throw new Error(bound.error.message);
  const listener = bound.value;
  const target =
    kind === 'tcp' ? { host: '127.0.0.1', port: Number(listener.address) } : { path: listener.address };
  const [accepted, dialed] = await Promise.all([listener.accept(), dial(target, { label: kind }, wrap)]);
  await listener.close();
  if (!accepted.ok || !dialed.ok) throw new Error('could not make a pair');
  return { ends: [dialed.value, accepted.value], sockets };
}

/** Resolves with the sockets that have not emitted 'close' within `ms` (bounded wait). */
async function stillOpen(sockets: readonly Socket[], ms = 2_000): Promise<Socket[]> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const closed = sockets.map((s) =>
    emittedClose.has(s)
      ? Promise.resolve()
      : new Promise<void>((resolve) => s.once('close', () => resolve())),
  );
  await Promise.race([
    Promise.all(closed),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
  return sockets.filter((s) => !emittedClose.has(s));
}

function run(flow: Flow, op: Op, pending: Promise<unknown>[]): void {
  switch (op) {
    case 'read':
      pending.push(flow.read());
      break;
    case 'write':
      pending.push(flow.write(new Uint8Array(1 + 4096)));
      break;
    case 'writev':
      pending.push(flow.writev([new Uint8Array(10), new Uint8Array(3000)]));
      break;
    case 'close':
      pending.push(flow.close());
      break;
    case 'abort':
      flow.abort(new Error('race'));
      break;
  }
}

describe('abort() racing close/read/write frees every socket handle', () => {
  for (const kind of ['tcp', 'unix'] as const) {
    it(`${kind}: abort right after close() (half-close still in flight) closes the socket`, async () => {
      const { ends, sockets } = await pair(kind);
      const fds = openFds();
      const closing = ends[0].close();
      // libuv's shutdown request is pending now; Node 20's resetAndDestroy()
      // fails with EINVAL here and used to leave the handle open for good.
      ends[0].abort();
      ends[1].abort();
      await closing;
      expect(await stillOpen(sockets)).toEqual([]);
      expect(openFds()).toBeLessThanOrEqual(fds - 2);
    });

    it(`${kind}: 60 seeded interleavings leave no socket open and no fd behind`, async () => {
      const fdsBefore = openFds();
      const traces = new Map<Socket, string>();
      for (let seed = 1; seed <= 60; seed++) {
        const next = rng(seed);
        const { ends, sockets } = await pair(kind);
        const pending: Promise<unknown>[] = [];
        const trace: string[] = [];
        const count = 1 + (next() % 6);
        for (let i = 0; i < count; i++) {
          const side = next() % 2;
          const op = OPS[next() % OPS.length]!;
          trace.push(`${side}:${op}`);
          run(ends[side]!, op, pending);
          await jitter(next);
        }
        ends[0].abort();
        ends[1].abort();
        await Promise.all(pending);
        for (const s of sockets) traces.set(s, `seed ${seed} [${trace.join(' ')}]`);
      }
      const open = await stillOpen([...traces.keys()]);
      expect(open.map((s) => `${traces.get(s)}: a socket was never closed`)).toEqual([]);
      expect(openFds()).toBeLessThanOrEqual(fdsBefore);
    });
  }
});
