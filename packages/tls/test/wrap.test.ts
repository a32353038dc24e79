import { EOF, type Flow } from '@flowkit/flow-types';
import { pair } from '@flowkit/memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type TlsClientOptions,
  type TlsFlow,
  type TlsServerOptions,
  wrapClient,
  wrapServer,
} from '../src/index.js';
import { type CertMatrix, makeCertMatrix } from './support/certs.js';

let m: CertMatrix;
beforeAll(() => {
  m = makeCertMatrix();
});
afterAll(() => m.cleanup());

async function readAll(flow: Flow, limit = 100_000): Promise<{ bytes: Buffer; end: string }> {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < limit; i++) {
    const r = await flow.read();
    if (!r.ok) return { bytes: Buffer.concat(parts), end: r.error.type };
    if (r.value === EOF) return { bytes: Buffer.concat(parts), end: 'eof' };
    parts.push(r.value);
  }
  throw new Error('too many chunks');
}

async function tlsPair(
  client: Partial<TlsClientOptions> = {},
  server: Partial<TlsServerOptions> = {},
): Promise<{ c: TlsFlow; s: TlsFlow; inner: [Flow, Flow] }> {
  const [a, b] = pair();
  const [c, s] = await Promise.all([
    wrapClient(a, { ca: m.root.cert, servername: 'localhost', ...client }),
    wrapServer(b, { cert: m.good.chain, key: m.good.key, ...server }),
  ]);
  if (!c.ok) throw new Error(`client: ${c.error.message}`);
  if (!s.ok) throw new Error(`server: ${s.error.message}`);
  return { c: c.value, s: s.value, inner: [a, b] };
}

describe('wrapClient/wrapServer over a memory pair', () => {
  it('handshakes with verification on and moves bytes both ways, exactly', async () => {
    const { c, s } = await tlsPair({ alpnProtocols: ['x-flow', 'h2'] }, { alpnProtocols: ['h2', 'x-flow'] });
    expect(c.protocol).toBe('TLSv1.3');
    expect(c.authorized).toBe(true);
    // The server's order of preference decides.
    expect(c.alpnProtocol).toBe('h2');
    expect(s.alpnProtocol).toBe('h2');
    expect(c.peerCertificate?.subject.CN).toBe('localhost');
    expect(c.peerCertificate?.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(s.peerCertificate).toBeUndefined();
    const payload = Buffer.alloc(300_000);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) & 0xff;
    const [w, got] = await Promise.all([
      (async () => {
        const r = await c.write(payload);
        await c.close();
        return r;
      })(),
      (async () => {
        const all = await readAll(s);
        await s.write(Buffer.from('bye'));
        await s.close();
        return all;
      })(),
    ]);
    expect(w.ok).toBe(true);
    expect(got.end).toBe('eof');
    expect(got.bytes.equals(payload)).toBe(true);
    const back = await readAll(c);
    expect(back).toEqual({ bytes: Buffer.from('bye'), end: 'eof' });
  });

  it('half-closes with close_notify on TLS 1.3 and TLS 1.2: the peer reads EOF and can still answer', async () => {
    for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
      const { c, s } = await tlsPair({ maxVersion });
      expect(c.protocol).toBe(maxVersion);
      await c.write(Buffer.from('question'));
      const closing = c.close();
      const q = await readAll(s);
      expect(q).toEqual({ bytes: Buffer.from('question'), end: 'eof' });
      await s.write(Buffer.from('answer'));
      const sClosed = s.close();
      const a = await readAll(c);
      expect(a).toEqual({ bytes: Buffer.from('answer'), end: 'eof' });
      await Promise.all([closing, sClosed]);
    }
  });

  it('reports truncated, not EOF, when the inner flow ends without close_notify', async () => {
    const { c, s, inner } = await tlsPair();
    await s.write(Buffer.from('partial'));
    const first = await c.read();
    expect(first.ok && first.value !== EOF && Buffer.from(first.value).toString()).toBe('partial');
    // The server's transport sends its EOF without TLS saying goodbye.
    void inner[1].close();
    const got = await readAll(c);
    expect(got).toEqual({ bytes: Buffer.alloc(0), end: 'truncated' });
    const again = await c.read();
    expect(again.ok ? 'ok' : again.error.type).toBe('truncated');
    c.abort();
    s.abort();
  });

  it('a clean close is EOF, not truncated (the same path with close_notify)', async () => {
    const { c, s } = await tlsPair();
    await s.write(Buffer.from('whole'));
    const sClosed = s.close();
    const got = await readAll(c);
    expect(got).toEqual({ bytes: Buffer.from('whole'), end: 'eof' });
    await Promise.all([c.close(), sClosed]);
  });
});

describe('closeWrite()', () => {
  it('sends close_notify, then ends the inner flow: the peer reads every byte then EOF, this end still reads', async () => {
    for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
      const [a, b] = pair();
      let innerClosedWrite = 0;
      const watched: Flow = {
        read: (o) => a.read(o),
        write: (buf) => a.write(buf),
        writev: (bufs) => a.writev(bufs),
        closeWrite: () => {
          innerClosedWrite++;
          return a.closeWrite();
        },
        close: (o) => a.close(o),
        abort: (reason) => a.abort(reason),
      };
      const [c, s] = await Promise.all([
        wrapClient(watched, { ca: m.root.cert, servername: 'localhost', maxVersion }),
        wrapServer(b, { cert: m.good.chain, key: m.good.key }),
      ]);
      if (!c.ok || !s.ok) throw new Error('handshake failed');
      const data = Buffer.alloc(600_000, 7);
      const writing = c.value.write(data); // not awaited: closeWrite must still go after it
      const first = c.value.closeWrite();
      const second = c.value.closeWrite();
      expect(second).toBe(first);
      const w = await c.value.write(Buffer.from('late'));
      expect(w.ok ? 'ok' : w.error.type).toBe('closed');
      const got = await readAll(s.value);
      expect(got.end).toBe('eof');
      expect(got.bytes.equals(data)).toBe(true);
      expect([await writing, await first]).toEqual([{ ok: true }, { ok: true }]);
      expect(innerClosedWrite).toBe(1);
      // The other direction is still open.
      await s.value.write(Buffer.from('answer'));
      const sClosed = s.value.close();
      expect(await readAll(c.value)).toEqual({ bytes: Buffer.from('answer'), end: 'eof' });
      await Promise.all([c.value.close(), sClosed]);
      expect(await c.value.closeWrite()).toEqual({ ok: true });
    }
  });
});

describe('closeWrite() over a flow that cannot half-close', () => {
  it("resolves with the inner flow's refusal, not ok; the connection stays up and the peer's answer arrives", async () => {
    for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
      const [a, b] = pair();
      const refusal = {
        ok: false as const,
        error: { type: 'io' as const, code: 'ENOTSUP', message: 'this transport has no half-close' },
      };
      // Like a plain WebSocket: no end-of-stream of its own, everything else works.
      const noHalfClose: Flow = {
        read: (o) => a.read(o),
        write: (buf) => a.write(buf),
        writev: (bufs) => a.writev(bufs),
        closeWrite: () => Promise.resolve(refusal),
        close: (o) => a.close(o),
        abort: (reason) => a.abort(reason),
      };
      const [c, s] = await Promise.all([
        wrapClient(noHalfClose, { ca: m.root.cert, servername: 'localhost', maxVersion }),
        wrapServer(b, { cert: m.good.chain, key: m.good.key }),
      ]);
      if (!c.ok || !s.ok) throw new Error('handshake failed');
      expect((await c.value.write(Buffer.from('question'))).ok).toBe(true);
      const result = await c.value.closeWrite();
      expect(result).toEqual(refusal);
      expect(await c.value.closeWrite()).toBe(result);
      // close_notify went out: the peer reads everything, then EOF, and answers.
      expect(await readAll(s.value)).toEqual({ bytes: Buffer.from('question'), end: 'eof' });
      expect((await s.value.write(Buffer.from('answer'))).ok).toBe(true);
      const sClosed = s.value.close();
      expect(await readAll(c.value)).toEqual({ bytes: Buffer.from('answer'), end: 'eof' });
      c.value.abort();
      s.value.abort();
      await sClosed;
    }
  });
});

describe('ALPN mismatch', () => {
  it('no protocol in common fails the handshake with a handshake error', async () => {
    const [a, b] = pair();
    const [c, s] = await Promise.all([
      wrapClient(a, { ca: m.root.cert, servername: 'localhost', alpnProtocols: ['x-one'] }),
      wrapServer(b, { cert: m.good.chain, key: m.good.key, alpnProtocols: ['x-two'] }),
    ]);
    expect(c.ok).toBe(false);
    expect(s.ok).toBe(false);
    if (!s.ok) {
      expect(s.error.type).toBe('handshake');
      expect(s.error.message).toMatch(/ALPN/);
    }
    // The server's alert gets out before its transport ends, so the client
    // learns why instead of seeing a bare reset.
    expect(c.ok ? 'ok' : c.error).toMatchObject({
      type: 'handshake',
      code: 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL',
      message: expect.stringMatching(/no ALPN protocol in common/),
    });
    expect([a.state, b.state]).toEqual(['closed', 'closed']);
  });

  it('a peer that never closes its side: the failed end aborts its transport after a bounded wait', async () => {
    const [a, b] = pair();
    // The client's failure handling cannot end its memory end: the server's
    // graceful close never completes, and only its bound ends the transport.
    const deaf: Flow = {
      read: (o) => a.read(o),
      write: (buf) => a.write(buf),
      writev: (bufs) => a.writev(bufs),
      closeWrite: () => new Promise(() => {}),
      close: () => new Promise<void>(() => {}),
      abort: () => {},
    };
    let aborted!: () => void;
    const serverAborted = new Promise<void>((resolve) => {
      aborted = resolve;
    });
    const watched: Flow = {
      read: (o) => b.read(o),
      write: (buf) => b.write(buf),
      writev: (bufs) => b.writev(bufs),
      closeWrite: () => b.closeWrite(),
      close: (o) => b.close(o),
      abort: (reason) => {
        aborted();
        b.abort(reason);
      },
    };
    const [c, s] = await Promise.all([
      wrapClient(deaf, { ca: m.root.cert, servername: 'localhost', alpnProtocols: ['x-one'] }),
      wrapServer(watched, { cert: m.good.chain, key: m.good.key, alpnProtocols: ['x-two'] }),
    ]);
    expect(s.ok ? 'ok' : s.error.type).toBe('handshake');
    expect(c.ok ? 'ok' : c.error).toMatchObject({ code: 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL' });
    await serverAborted;
    // The memory flow's state is the kernel vocabulary now: aborted reads as 'closed'.
    expect(b.state).toBe('closed');
    a.abort();
  });
});

describe('over an inner flow that breaks its contract', () => {
  it.each([
    ['rejects', () => Promise.reject(new Error('boom')), /read\(\) rejected: Error: boom/],
    [
      'throws',
      () => {
        throw new Error('boom');
      },
      /read\(\) threw: Error: boom/,
    ],
    ['resolves a non-Result', () => Promise.resolve(undefined), /read\(\) resolved undefined, not a Result/],
  ] as const)(
    'whose read %s: wrapClient resolves a handshake error naming it, at once, with no unhandled rejection',
    async (_, read, message) => {
      const [a, b] = pair();
      const broken = Object.assign(Object.create(null), {
        read,
        write: (x: Uint8Array) => a.write(x),
        writev: (x: readonly Uint8Array[]) => a.writev(x),
        closeWrite: () => a.closeWrite(),
        close: () => a.close(),
        abort: (reason?: unknown) => a.abort(reason),
      }) as Flow;
      const server = wrapServer(b, { cert: m.good.chain, key: m.good.key });
      const started = Date.now();
      const client = await wrapClient(broken, { ca: m.root.cert, servername: 'localhost' });
      expect(client.ok ? 'ok' : client.error.type).toBe('handshake');
      expect(client.ok ? '' : client.error.message).toMatch(message);
      expect(Date.now() - started).toBeLessThan(2_000);
      const s = await server;
      if (s.ok) s.value.abort();
      a.abort();
      b.abort();
    },
  );
});

// read's and close's options are read as own properties (SPEC): TlsFlow.read
// goes through the kernel's ReadQueue and TlsFlow.close through its
// signalOption, so a polluted Object.prototype.signal changes nothing.
describe('read and close options over a polluted Object.prototype.signal', () => {
  /** Runs `call` (synchronously) with `Object.prototype.signal` set to a fired signal. */
  function polluted<T>(call: () => T): T {
    const proto = Object.prototype as Record<string, unknown>;
    proto.signal = AbortSignal.abort(new Error('polluted'));
    try {
      return call();
    } finally {
      delete proto.signal;
    }
  }

  it('read({}) is not cancelled', async () => {
    const { c, s } = await tlsPair();
    await c.write(new Uint8Array([1]));
    const r = await await polluted(() => s.read({}));
    expect(r.ok).toBe(true);
    c.abort();
    s.abort();
  });

  it('close({}) still waits for the remote', async () => {
    const { c, s } = await tlsPair();
    const closing = polluted(() => c.close({}));
    const early = await Promise.race([
      closing.then(() => 'resolved'),
      new Promise<string>((resolve) => setTimeout(() => resolve('waiting'), 50)),
    ]);
    c.abort();
    s.abort();
    expect(early).toBe('waiting');
  });
});
