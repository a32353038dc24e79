import type { AddressInfo, Server, Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { dial, type ServerListener, serve } from '@flowkit/socket';
import { acceptedPair } from '../../../tooling/testing/accepted-pair.js';
import { fromNodeDuplex, type SocketFlow } from '../src/index.js';

type Addr = { port: number };

/** A connected pair of loopback TCP flows plus the listener that made it. */
export async function tcpPair(
  readHighWaterMark?: number,
): Promise<{ a: SocketFlow<Addr>; b: SocketFlow<Addr>; listener: ServerListener<SocketFlow<Addr>, Addr> }> {
  const opts = readHighWaterMark === undefined ? {} : { readHighWaterMark };
  const bound = await serve<SocketFlow<Addr>, Addr>(
    {},
    { host: '127.0.0.1', port: 0 },
    {
      label: '127.0.0.1:0',
      describe: (server: Server) => ({ port: (server.address() as AddressInfo).port }),
      wrap: (socket: Socket) => fromNodeDuplex<Addr>(socket, { label: 'acceptor', ...opts }),
    },
  );
  if (!bound.ok) throw new Error(bound.error.message);
  const listener = bound.value;
  const [a, b] = await acceptedPair(listener, () =>
    dial({ host: '127.0.0.1', port: listener.address.port }, { label: 'test' }, (socket) =>
      fromNodeDuplex<Addr>(socket, { label: 'dialer', ...opts }),
    ),
  );
  return { a, b, listener };
}

/**
 * A generic in-process Duplex whose writes are recorded and completed only
 * when the test says so, to observe backpressure exactly.
 */
export class ManualDuplex extends Duplex {
  readonly writes: Buffer[] = [];
  readonly writevCalls: Buffer[][] = [];
  #pending: (() => void)[] = [];
  autoComplete = true;

  constructor(writableHighWaterMark = 16) {
    super({ writableHighWaterMark, allowHalfOpen: true });
  }

  override _read(): void {}

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (error?: Error | null) => void): void {
    this.writes.push(chunk);
    if (this.autoComplete) cb();
    else this.#pending.push(() => cb());
  }

  override _writev(chunks: { chunk: Buffer }[], cb: (error?: Error | null) => void): void {
    this.writevCalls.push(chunks.map((c) => c.chunk));
    for (const c of chunks) this.writes.push(c.chunk);
    if (this.autoComplete) cb();
    else this.#pending.push(() => cb());
  }

  override _final(cb: (error?: Error | null) => void): void {
    cb();
  }

  /** Completes every write Node handed us so far. */
  release(): void {
    const pending = this.#pending;
    this.#pending = [];
    for (const done of pending) done();
  }
}

/** Resolves on the next macrotask, after pending I/O callbacks. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Whether `promise` has settled after pending microtasks and one macrotask. */
export async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await tick();
  return done;
}
