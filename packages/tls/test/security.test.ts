import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { type AddressInfo, createServer, connect as netConnect, type Socket } from 'node:net';
import {
  createSecureContext,
  createServer as createTlsServer,
  TLSSocket,
  connect as tlsConnect,
} from 'node:tls';
import { EOF, type Flow, type ReadResult } from '@flowkit/flow-types';
import { pair } from '@flowkit/memory';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { connect, listen, type TlsFlow, type TlsListener, wrapClient, wrapServer } from '../src/index.js';
import { type CertMatrix, makeCertMatrix } from './support/certs.js';

// Issue 11: what an attacker on the wire, or a hostile option object, can do.

let m: CertMatrix;
beforeAll(() => {
  m = makeCertMatrix();
});
afterAll(() => m.cleanup());

/** One application_data record (TLS 1.2/1.3 framing) full of random bytes: it cannot decrypt. */
function garbageRecord(): Buffer {
  const body = randomBytes(64);
  return Buffer.concat([Buffer.from([0x17, 0x03, 0x03, 0x00, body.length]), body]);
}

/** Resolves with `what`'s result, or `'pending after N ms'` (a hang is a failure, not a timeout). */
async function within<T>(ms: number, what: Promise<T>): Promise<T | string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`pending after ${ms} ms`), ms);
  });
  try {
    return await Promise.race([what, late]);
  } finally {
    clearTimeout(timer);
  }
}

const readType = (r: ReadResult | string): string =>
  typeof r === 'string' ? r : r.ok ? (r.value === EOF ? 'eof' : 'data') : r.error.type;

async function tlsListener(extra: object = {}): Promise<TlsListener> {
  const l = await listen({ host: '127.0.0.1', port: 0, cert: m.good.chain, key: m.good.key, ...extra });
  if (!l.ok) throw new Error(l.error.message);
  onTestFinished(() => l.value.close());
  return l.value;
}

/** A raw `node:tls` client on its own TCP socket (kept, to write under TLS or reset it). */
async function rawClient(
  port: number,
  extra: object = {},
): Promise<{ raw: Socket; tls: TLSSocket; closed: Promise<unknown> }> {
  const raw = netConnect({ host: '127.0.0.1', port });
  const closed = once(raw, 'close');
  raw.on('error', () => {});
  const tls = tlsConnect({ socket: raw, ca: m.root.cert, servername: 'localhost', ...extra });
  tls.on('error', () => {});
  onTestFinished(async () => {
    // One owner per handle: destroying the TLS socket after a reset of the
    // socket under it closed the handle twice (SPEC, facts seen on Node 20).
    if (!raw.destroyed) tls.destroy();
    await closed;
  });
  await once(tls, 'secureConnect');
  return { raw, tls, closed };
}

async function memoryTls(clientExtra: object = {}): Promise<{ c: TlsFlow; s: TlsFlow; a: Flow; b: Flow }> {
  const [a, b] = pair();
  const [c, s] = await Promise.all([
    wrapClient(a, { ca: m.root.cert, servername: 'localhost', ...clientExtra }),
    wrapServer(b, { cert: m.good.chain, key: m.good.key }),
  ]);
  if (!c.ok || !s.ok) throw new Error('handshake failed');
  onTestFinished(() => {
    c.value.abort();
    s.value.abort();
  });
  return { c: c.value, s: s.value, a, b };
}

describe('a corrupt record after the handshake', () => {
  it('reaches a listen() flow as protocol, and the connection is torn down', async () => {
    const l = await tlsListener();
    const { raw, closed } = await rawClient(l.address.port);
    const accepted = await l.accept();
    if (!accepted.ok) throw new Error(accepted.error.message);
    const flow = accepted.value;
    // Under TLS, straight onto the TCP socket: the server cannot decrypt it.
    raw.write(garbageRecord());
    expect(readType(await within(3_000, flow.read()))).toBe('protocol');
    // The server tore the TCP connection down: the client's socket closes.
    expect(
      await within(
        3_000,
        closed.then(() => 'closed'),
      ),
    ).toBe('closed');
    expect(readType(await flow.read())).toBe('protocol');
  });

  it('reaches a wrapServer() flow as protocol, and its inner flow is closed', async () => {
    const { s, a, b } = await memoryTls();
    await a.write(garbageRecord());
    expect(readType(await within(3_000, s.read()))).toBe('protocol');
    const w = await s.write(Buffer.from('x'));
    expect(w.ok ? 'ok' : w.error.type).toBe('closed');
    // The inner flow ends: the peer's transport reads its end (or a reset).
    let end = 'pending';
    for (let i = 0; i < 100 && end === 'pending'; i++) {
      const r = readType(await within(3_000, a.read()));
      if (r !== 'data') end = r;
    }
    expect(['eof', 'reset', 'aborted']).toContain(end);
    expect(
      await within(
        3_000,
        b.close().then(() => 'released'),
      ),
    ).toBe('released');
  });

  it('reaches a client flow as protocol too', async () => {
    const { c, b } = await memoryTls();
    await b.write(garbageRecord());
    expect(readType(await within(3_000, c.read()))).toBe('protocol');
  });
});

describe('renegotiation is refused', () => {
  it('a TLS 1.2 client calling renegotiate() is refused, and the server flow reads protocol', async () => {
    const l = await tlsListener();
    const { tls, closed } = await rawClient(l.address.port, { maxVersion: 'TLSv1.2' });
    const accepted = await l.accept();
    if (!accepted.ok) throw new Error(accepted.error.message);
    const flow = accepted.value;
    expect(flow.protocol).toBe('TLSv1.2');
    const reading = flow.read();
    const outcomes: string[] = [];
    // Node answers a renegotiation the server refuses on the socket's
    // 'error' (ERR_SSL_NO_RENEGOTIATION), not through the callback.
    for (let i = 0; i < 5 && !tls.destroyed && !outcomes.some((o) => o.startsWith('refused')); i++) {
      const outcome = await new Promise<string>((resolve) => {
        tls.once('error', (e: { code?: string }) => resolve(`refused (${e.code})`));
        const started = tls.renegotiate({}, (e) => resolve(e === null ? 'renegotiated' : 'refused'));
        if (!started) resolve('refused (not started)');
      });
      outcomes.push(outcome);
    }
    expect(outcomes).toEqual(['refused (ERR_SSL_NO_RENEGOTIATION)']);
    expect(readType(await within(3_000, reading))).toBe('protocol');
    expect(
      await within(
        3_000,
        closed.then(() => 'closed'),
      ),
    ).toBe('closed');
  });
});

describe("a peer's reset", () => {
  it('reads as reset on a listen() flow', async () => {
    const l = await tlsListener();
    const { raw } = await rawClient(l.address.port);
    const accepted = await l.accept();
    if (!accepted.ok) throw new Error(accepted.error.message);
    const reading = accepted.value.read();
    raw.resetAndDestroy();
    expect(readType(await within(3_000, reading))).toBe('reset');
  });

  it('reads as reset on a connect() flow', async () => {
    const server = createServer((raw) => {
      raw.on('error', () => {});
      const s = new TLSSocket(raw, {
        isServer: true,
        secureContext: createSecureContext({ cert: m.good.chain, key: m.good.key }),
      });
      s.on('error', () => {});
      s.once('secure', () => raw.resetAndDestroy());
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as AddressInfo).port;
    const r = await connect({ host: '127.0.0.1', port, ca: m.root.cert, servername: 'localhost' });
    if (!r.ok) throw new Error(r.error.message);
    onTestFinished(() => r.value.abort());
    expect(readType(await within(3_000, r.value.read()))).toBe('reset');
  });
});

describe('an empty key or certificate is refused up front', () => {
  const empties = ['', [], [''], new Uint8Array(0)] as const;
  it('by listen, naming the option', async () => {
    for (const empty of empties) {
      for (const [option, options] of [
        ['key', { cert: m.good.chain, key: empty }],
        ['cert', { cert: empty, key: m.good.key }],
      ] as const) {
        const r = await listen({ host: '127.0.0.1', port: 0, ...options } as never);
        if (r.ok) await r.value.close();
        expect(r.ok ? 'bound' : r.error).toMatchObject({ type: 'invalid-option', option });
      }
    }
  });

  it('by wrapServer, naming the option, without touching the flow', async () => {
    for (const empty of empties) {
      for (const [option, options] of [
        ['key', { cert: m.good.chain, key: empty }],
        ['cert', { cert: empty, key: m.good.key }],
      ] as const) {
        const [a, b] = pair();
        const r = await wrapServer(b, options as never);
        if (r.ok) r.value.abort();
        expect(r.ok ? 'ok' : r.error).toMatchObject({ type: 'invalid-option', option });
        a.abort();
        b.abort();
      }
    }
  });
});

describe('a polluted Object.prototype changes nothing', () => {
  it('dangerouslyDisableVerification inherited from Object.prototype does not turn verification off', async () => {
    const server = createTlsServer({ cert: m.selfSigned.cert, key: m.selfSigned.key }, (s) => {
      s.on('error', () => {});
      s.end();
    });
    server.on('tlsClientError', () => {});
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as AddressInfo).port;
    const proto = Object.prototype as Record<string, unknown>;
    proto.dangerouslyDisableVerification = true;
    let r: Awaited<ReturnType<typeof connect>>;
    try {
      r = await connect({ host: '127.0.0.1', port, servername: 'localhost' });
    } finally {
      delete proto.dangerouslyDisableVerification;
    }
    if (r.ok) r.value.abort();
    expect(r.ok ? `connected, authorized=${r.value.authorized}` : r.error.type).toBe('certificate');
  });

  it('no option name of tls set on Object.prototype changes a handshake or its facts', async () => {
    const hostile: Record<string, unknown> = {
      dangerouslyDisableVerification: true,
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
      secureContext: {},
      ciphers: 'NULL',
      secureProtocol: 'TLSv1_method',
      pskCallback: () => null,
      ca: m.selfSigned.cert,
      cert: m.selfSigned.cert,
      key: m.selfSigned.key,
      passphrase: 'hunter2',
      alpnProtocols: ['evil'],
      ALPNProtocols: ['evil'],
      minVersion: 'TLSv1.3',
      maxVersion: 'TLSv1.2',
      servername: 'other.example',
      host: 'other.example',
      session: Buffer.from('not a session'),
      requestCert: true,
      sessionTickets: false,
      // `signal` is left out: Node core itself builds plain option objects
      // for its streams (net.Socket, TLSSocket, even process.stdout), so an
      // aborted Object.prototype.signal tears down every Node stream, inside
      // flowkit or not. The Duplex flowkit builds gets a null-prototype
      // options object (node-duplex's own test covers that part).
    };
    const proto = Object.prototype as Record<string, unknown>;
    const facts = async () => {
      const { c, s } = await memoryTls();
      return [c.protocol, c.alpnProtocol, c.authorized, s.authorized, c.peerCertificate?.subject.CN];
    };
    const untrusted = async () => {
      const [a, b] = pair();
      const [c, s] = await Promise.all([
        wrapClient(a, { servername: 'localhost' }),
        wrapServer(b, { cert: m.selfSigned.cert, key: m.selfSigned.key }),
      ]);
      if (c.ok) c.value.abort();
      if (s.ok) s.value.abort();
      a.abort();
      b.abort();
      return c.ok ? 'connected' : c.error.type;
    };
    const expected = await facts();
    const changed: string[] = [];
    for (const [name, value] of Object.entries(hostile)) {
      proto[name] = value;
      try {
        const got = await within(
          5_000,
          facts().catch((e: Error) => e.message),
        );
        if (JSON.stringify(got) !== JSON.stringify(expected)) changed.push(`${name}: ${JSON.stringify(got)}`);
        const u = await within(5_000, untrusted());
        if (u !== 'certificate') changed.push(`${name}: the untrusted server gave ${u}`);
      } finally {
        delete proto[name];
      }
    }
    expect(changed).toEqual([]);
  });
});

describe('a non-flow passed to wrapClient/wrapServer', () => {
  it('throws a TypeError naming the argument, at the call', () => {
    for (const bad of [{}, null, undefined, 'flow', { read() {} }]) {
      expect(() => wrapClient(bad as never, { servername: 'localhost' })).toThrow(
        expect.objectContaining({ name: 'TypeError', message: expect.stringMatching(/\bflow\b/) }),
      );
      expect(() => wrapServer(bad as never, { cert: m.good.chain, key: m.good.key })).toThrow(
        expect.objectContaining({ name: 'TypeError', message: expect.stringMatching(/\bflow\b/) }),
      );
    }
  });
});

describe('connections nobody accepts hold bounded resources', () => {
  it('at maxPending the listener stops handshaking new connections until accept makes room', async () => {
    const l = await tlsListener({ maxPending: 2 });
    const dial = () =>
      connect({
        host: '127.0.0.1',
        port: l.address.port,
        ca: m.root.cert,
        servername: 'localhost',
        signal: AbortSignal.timeout(10_000),
      });
    const settledAfter = async (ms: number, dials: Promise<unknown>[]) => {
      const done = dials.map(() => false);
      dials.forEach((d, i) => void d.then(() => (done[i] = true)));
      await new Promise((resolve) => setTimeout(resolve, ms));
      return done.filter(Boolean).length;
    };
    const dials = [dial(), dial(), dial(), dial()];
    // Two handshakes finish; the other two wait in the TCP backlog, untouched.
    expect(await settledAfter(1_000, dials)).toBe(2);
    const first = await l.accept();
    if (!first.ok) throw new Error(first.error.message);
    first.value.abort();
    expect(await settledAfter(1_000, dials)).toBe(3);
    // Closing drops what waits: the last dial fails instead of hanging.
    await l.close();
    const results = await Promise.all(dials);
    for (const r of results) if (r.ok) r.value.abort();
    expect(results.filter((r) => r.ok).length).toBe(3);
  });
});

describe('silent connections cannot hold a full listener', () => {
  it('with maxPending taken by silent TCP connections, a real client gets through within seconds; a silent one is dropped as timeout', async () => {
    const errors: string[] = [];
    const l = await tlsListener({
      maxPending: 4,
      handshakeTimeout: 30_000,
      onHandshakeError: (e: { type: string }) => errors.push(e.type),
    });
    const silent = Array.from({ length: 4 }, () => {
      const raw = netConnect({ host: '127.0.0.1', port: l.address.port });
      raw.on('error', () => {});
      return raw;
    });
    onTestFinished(() => {
      for (const raw of silent) raw.destroy();
    });
    await Promise.all(silent.map((raw) => once(raw, 'connect')));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    const dialed = await connect({
      host: '127.0.0.1',
      port: l.address.port,
      ca: m.root.cert,
      servername: 'localhost',
      signal: AbortSignal.timeout(5_000),
    });
    const took = performance.now() - started;
    if (dialed.ok) dialed.value.abort();
    expect(dialed.ok ? 'ok' : dialed.error.type).toBe('ok');
    expect(took).toBeLessThan(5_000);
    const accepted = await l.accept();
    if (accepted.ok) accepted.value.abort();
    expect(errors).toContain('timeout');
  });
});

describe('a raw peer that sends FIN without close_notify', () => {
  it('reads as truncated on a listen() flow (server side), never EOF', async () => {
    const l = await tlsListener();
    const { raw, tls } = await rawClient(l.address.port);
    const accepted = await l.accept();
    if (!accepted.ok) throw new Error(accepted.error.message);
    await new Promise<void>((resolve) => tls.write('last words', () => resolve()));
    const first = await accepted.value.read();
    expect(first.ok && first.value !== EOF && Buffer.from(first.value).toString()).toBe('last words');
    raw.end(); // TCP FIN under the TLS session: no close_notify
    expect(readType(await within(3_000, accepted.value.read()))).toBe('truncated');
    expect(readType(await accepted.value.read())).toBe('truncated');
    accepted.value.abort();
  });

  it('reads as truncated on a connect() flow (client side), never EOF', async () => {
    const server = createServer({ allowHalfOpen: true }, (raw) => {
      raw.on('error', () => {});
      const s = new TLSSocket(raw, {
        isServer: true,
        secureContext: createSecureContext({ cert: m.good.chain, key: m.good.key }),
      });
      s.on('error', () => {});
      s.once('secure', () => s.write('last words', () => raw.end()));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as AddressInfo).port;
    const r = await connect({ host: '127.0.0.1', port, ca: m.root.cert, servername: 'localhost' });
    if (!r.ok) throw new Error(r.error.message);
    onTestFinished(() => r.value.abort());
    const first = await r.value.read();
    expect(first.ok && first.value !== EOF && Buffer.from(first.value).toString()).toBe('last words');
    expect(readType(await within(3_000, r.value.read()))).toBe('truncated');
  });
});

describe('a peer that does not speak TLS', () => {
  it('is reported to onHandshakeError as such, not as a version mismatch', async () => {
    const errors: string[] = [];
    const l = await tlsListener({ onHandshakeError: (e: { message: string }) => errors.push(e.message) });
    const plain = netConnect({ host: '127.0.0.1', port: l.address.port });
    plain.on('error', () => {});
    const closed = once(plain, 'close');
    plain.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    plain.resume();
    await within(5_000, closed);
    for (let i = 0; i < 100 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/the peer did not speak TLS/);
    expect(errors[0]).not.toMatch(/no TLS version in common/);
  });
});
