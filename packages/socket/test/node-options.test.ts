import { mkdtempSync, rmSync } from 'node:fs';
import type { ListenOptions, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Flow } from '@flowkit/flow-types';
import { afterAll, describe, expect, it } from 'vitest';
import { dial, nodeOptions, SERVER_KEYS, SOCKET_KEYS, serve } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'flowkit-socket-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('nodeOptions', () => {
  it('has no prototype, copies own enumerable values and makes every spread key own', () => {
    const values = Object.assign(Object.create({ inherited: 1 }) as object, { host: '::1', port: 1 });
    const out = nodeOptions(['fd', 'port'], values) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(null);
    expect(Object.keys(out).sort()).toEqual(['fd', 'host', 'port']);
    expect(out).toMatchObject({ host: '::1', port: 1, fd: undefined });
    expect('inherited' in out).toBe(false);
  });
});

/**
 * Option names node:net, its streams, events or dns might read, written out
 * here rather than taken from SOCKET_KEYS or SERVER_KEYS, so that a key
 * missing there is caught: the options of `new net.Socket`,
 * `socket.connect`, `net.createServer`, `server.listen` and `dns.lookup` in
 * Node's docs, and the stream constructor options. A recording getter for
 * each is put on Object.prototype while flowkit dials and serves.
 */
const CANDIDATES = [
  // new net.Socket, stream.Duplex/Readable/Writable, EventEmitter
  'allowHalfOpen',
  'autoDestroy',
  'blockList',
  'captureRejections',
  'construct',
  'decodeStrings',
  'defaultEncoding',
  'destroy',
  'emitClose',
  'encoding',
  'fd',
  'final',
  'handle',
  'highWaterMark',
  'keepAlive',
  'keepAliveInitialDelay',
  'manualStart',
  'noDelay',
  'objectMode',
  'onread',
  'pauseOnCreate',
  'read',
  'readable',
  'readableHighWaterMark',
  'readableObjectMode',
  'signal',
  'writable',
  'writableHighWaterMark',
  'writableObjectMode',
  'write',
  'writev',
  // socket.connect
  'host',
  'port',
  'path',
  'localAddress',
  'localPort',
  'family',
  'hints',
  'lookup',
  'autoSelectFamily',
  'autoSelectFamilyAttemptTimeout',
  'timeout',
  // net.createServer, server.listen
  'pauseOnConnect',
  '_handle',
  'backlog',
  'exclusive',
  'ipv6Only',
  'reusePort',
  'readableAll',
  'writableAll',
  // dns.lookup
  'all',
  'verbatim',
  'order',
];

/** Option names read through `Object.prototype` from an object carrying `MARK` as an own key. */
async function inheritedReads(run: () => Promise<void>): Promise<string[]> {
  const reads = new Set<string>();
  const installed: string[] = [];
  try {
    for (const name of CANDIDATES) {
      // Null-prototype descriptors: once a getter named `writable` is on
      // Object.prototype, a plain descriptor would seem to have one.
      const descriptor: PropertyDescriptor = Object.assign(Object.create(null) as PropertyDescriptor, {
        configurable: true,
        get(this: unknown) {
          if (typeof this === 'object' && this !== null && Object.hasOwn(this, MARK)) reads.add(name);
          return undefined;
        },
        // Node assigns some options on its copy (allowHalfOpen, emitClose…):
        // an assignment must still make an own property.
        set(this: object, value: unknown) {
          const own = Object.assign(Object.create(null) as PropertyDescriptor, {
            value,
            writable: true,
            enumerable: true,
            configurable: true,
          });
          Object.defineProperty(this, name, own);
        },
      });
      Object.defineProperty(Object.prototype, name, descriptor);
      installed.push(name);
    }
    await run();
  } finally {
    for (const name of installed) delete (Object.prototype as Record<string, unknown>)[name];
  }
  return [...reads].sort();
}

// An option name Node ignores: it rides along into every object flowkit
// hands to node:net and into Node's copies of them, so the getters can tell
// those objects from Node's own.
const MARK = 'flowkitPollutionProbe';

const keep = (socket: Socket): Socket => socket;

/** `options` with {@link MARK} as an own key. */
const marked = <T extends object>(options: T): T => ({ ...options, [MARK]: true });

async function served(listenOptions: ListenOptions, label: string) {
  const r = await serve<Flow, Server>(marked({}), marked(listenOptions), {
    label,
    describe: (server) => server,
    // Held unaccepted until the listener closes, which aborts it.
    wrap: (socket) => ({ abort: () => socket.destroy() }) as unknown as Flow,
  });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('node:net reads no option of ours from Object.prototype', () => {
  it('probes at least every key nodeOptions makes own', () => {
    expect([...SOCKET_KEYS, ...SERVER_KEYS].filter((key) => !CANDIDATES.includes(key))).toEqual([]);
  });

  it('serve and dial over TCP on 127.0.0.1, and dial localhost', async () => {
    let listener: Awaited<ReturnType<typeof served>> | undefined;
    const sockets: Socket[] = [];
    try {
      const reads = await inheritedReads(async () => {
        listener = await served({ host: '127.0.0.1', port: 0, backlog: 8, ipv6Only: false }, '127.0.0.1:0');
        const { port } = listener.address.address() as { port: number };
        for (const host of ['127.0.0.1', 'localhost']) {
          const d = await dial(
            marked({ host, port, family: 4, noDelay: true, keepAlive: false, keepAliveInitialDelay: 0 }),
            { label: `${host}:${port}`, timeout: 5_000 },
            keep,
          );
          if (d.ok) sockets.push(d.value);
        }
      });
      expect(reads).toEqual([]);
      expect(sockets).toHaveLength(2);
    } finally {
      for (const s of sockets) s.destroy();
      await listener?.close();
    }
  });

  it('serve and dial a unix socket', async () => {
    const path = join(dir, 'probe.sock');
    let listener: Awaited<ReturnType<typeof served>> | undefined;
    let socket: Socket | undefined;
    try {
      const reads = await inheritedReads(async () => {
        listener = await served({ path, backlog: 8 }, path);
        const d = await dial(marked({ path }), { label: path, timeout: 5_000 }, keep);
        if (d.ok) socket = d.value;
      });
      expect(reads).toEqual([]);
      expect(socket).toBeDefined();
    } finally {
      socket?.destroy();
      await listener?.close();
    }
  });
});
