import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { EOF } from '@flowkit/flow-types';
import { pair } from '@flowkit/memory';
import { connect as tcpConnect } from '@flowkit/tcp';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { assertBudgeted } from '../../../tooling/testing/budgeted-property.js';
import {
  connect,
  listen,
  type TlsClientOptions,
  type TlsFlow,
  wrapClient,
  wrapServer,
} from '../src/index.js';
import { type CertMatrix, makeCertMatrix } from './support/certs.js';

let m: CertMatrix;
beforeAll(() => {
  m = makeCertMatrix();
});
afterAll(() => m.cleanup());

async function serverOptionError(options: object): Promise<{ option: string; message: string }> {
  const [, b] = pair();
  const r = await wrapServer(b, options as never);
  if (r.ok || r.error.type !== 'invalid-option')
    throw new Error(`expected invalid-option, got ${JSON.stringify(r.ok)}`);
  b.abort();
  return { option: r.error.option, message: r.error.message };
}

async function clientOptionError(options: object): Promise<{ option: string; message: string }> {
  const [a] = pair();
  const r = await wrapClient(a, options as never);
  if (r.ok || r.error.type !== 'invalid-option') throw new Error('expected invalid-option');
  a.abort();
  return { option: r.error.option, message: r.error.message };
}

describe('options are checked up front', () => {
  it('server: missing key or cert, garbage PEM, wrong key, bad passphrase', async () => {
    expect((await serverOptionError({ key: m.good.key })).option).toBe('cert');
    expect((await serverOptionError({ cert: m.good.chain })).option).toBe('key');
    expect((await serverOptionError({ cert: 'garbage', key: m.good.key })).option).toBe('cert');
    const badKey = await serverOptionError({
      cert: m.good.chain,
      key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n',
    });
    expect(badKey.option).toBe('key');
    const mismatch = await serverOptionError({ cert: m.good.chain, key: m.client.key });
    expect(mismatch).toEqual({ option: 'key', message: 'key does not match cert (key values mismatch)' });
    expect(
      (await serverOptionError({ cert: m.good.chain, key: m.encryptedKey, passphrase: 'nope' })).option,
    ).toBe('passphrase');
    expect((await serverOptionError({ cert: m.good.chain, key: m.encryptedKey })).option).toBe('passphrase');
    expect((await serverOptionError({ cert: m.good.chain, key: m.good.key, requestCert: true })).option).toBe(
      'ca',
    );
  });

  it('never puts key material in a message', async () => {
    const secretLine = m.good.key.split('\n')[1]!;
    for (const o of [
      { cert: m.good.chain, key: m.client.key },
      { cert: m.good.chain, key: m.good.key.slice(0, 80) },
      { cert: m.good.key, key: m.good.key },
    ]) {
      const e = await serverOptionError(o);
      expect(e.message).not.toContain(secretLine.slice(0, 16));
      expect(e.message).not.toContain('PRIVATE');
    }
  });

  it('ALPN lists: empty, empty names and names over 255 bytes are refused', async () => {
    const base = { ca: m.root.cert, servername: 'localhost' };
    expect((await clientOptionError({ ...base, alpnProtocols: [] })).option).toBe('alpnProtocols');
    expect((await clientOptionError({ ...base, alpnProtocols: [''] })).message).toMatch(/1–255 bytes/);
    expect((await clientOptionError({ ...base, alpnProtocols: ['x'.repeat(256)] })).message).toMatch(
      /got 256/,
    );
  });

  it('versions below TLS 1.2, unknown versions and min > max are refused', async () => {
    const base = { ca: m.root.cert, servername: 'localhost' };
    for (const v of ['TLSv1', 'TLSv1.1', 'SSLv3', 'tls1.2']) {
      expect((await clientOptionError({ ...base, minVersion: v })).option).toBe('minVersion');
    }
    expect((await clientOptionError({ ...base, maxVersion: 'TLSv1.1' })).option).toBe('maxVersion');
    expect((await clientOptionError({ ...base, minVersion: 'TLSv1.3', maxVersion: 'TLSv1.2' })).option).toBe(
      'minVersion',
    );
    const l = await listen({ cert: m.good.chain, key: m.good.key, minVersion: 'TLSv1' as never });
    expect(l.ok ? 'bound' : l.error.type).toBe('invalid-option');
  });

  it('a client needs servername or host, and refuses rejectUnauthorized/checkServerIdentity by name', async () => {
    expect((await clientOptionError({ ca: m.root.cert })).option).toBe('servername');
    expect((await clientOptionError({ servername: 'x', rejectUnauthorized: false })).option).toBe(
      'rejectUnauthorized',
    );
    expect((await clientOptionError({ servername: 'x', checkServerIdentity: () => undefined })).option).toBe(
      'checkServerIdentity',
    );
    const r = await connect({ port: 70000, servername: 'localhost' });
    expect(r.ok ? 'ok' : r.error.type).toBe('invalid-option');
  });
});

describe('verification cannot be switched off by accident', () => {
  it('no mix of the options flowkit accepts trusts a self-signed server it was not given; only dangerouslyDisableVerification does (25 runs, each a real handshake)', async () => {
    const server = createTlsServer({ cert: m.selfSigned.cert, key: m.selfSigned.key }, (s) => {
      s.on('error', () => {});
      s.end();
    });
    server.on('tlsClientError', () => {});
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as AddressInfo).port;
    // Only options flowkit accepts: every run must reach a handshake. (The
    // side doors are refused by name, tested above.)
    const options = fc.record(
      {
        servername: fc.constantFrom('localhost', 'other.example'),
        ca: fc.constantFrom(
          m.root.cert,
          m.selfSigned.cert,
          m.root.cert + m.selfSigned.cert,
          m.untrusted.chain,
        ),
        versions: fc.constantFrom(
          {},
          { minVersion: 'TLSv1.3' },
          { maxVersion: 'TLSv1.2' },
          { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' },
        ),
        alpnProtocols: fc.constant(['h2']),
        dangerouslyDisableVerification: fc.constant(false),
      },
      { requiredKeys: ['versions'] },
    );
    const outcomes = new Map<string, number>();
    await assertBudgeted(
      fc.asyncProperty(options, async ({ versions, ...o }) => {
        const r = await connect({ host: '127.0.0.1', port, ...versions, ...o } as TlsClientOptions & {
          port: number;
        });
        if (r.ok) r.value.abort();
        const outcome = r.ok ? 'ok' : r.error.type;
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        // Trusted only when the self-signed certificate itself is the ca (or
        // in it) and the name it is checked against is one it carries
        // (localhost, or 127.0.0.1 when no servername is given).
        const trusted = o.ca?.includes(m.selfSigned.cert) === true && o.servername !== 'other.example';
        return outcome === (trusted ? 'ok' : 'certificate');
      }),
      { numRuns: 25, budgetMs: 20_000 },
    );
    // Every run reached a handshake; both verdicts were seen.
    expect(outcomes.get('invalid-option')).toBeUndefined();
    expect(outcomes.get('ok')).toBeGreaterThan(0);
    expect(outcomes.get('certificate')).toBeGreaterThan(0);
    const off = await connect({ host: '127.0.0.1', port, dangerouslyDisableVerification: true });
    expect(off.ok).toBe(true);
    if (off.ok) {
      expect(off.value.authorized).toBe(false);
      off.value.abort();
    }
  });

  it('hostile option objects and values are invalid-option naming the option, never a throw or rejection', async () => {
    const throwing = (key: string, rest: object = {}) =>
      Object.defineProperty({ ...rest }, key, {
        enumerable: true,
        get() {
          throw new Error(`reading ${key}`);
        },
      });
    const trap = new Proxy(
      {},
      {
        getOwnPropertyDescriptor() {
          throw new Error('trap');
        },
      },
    );
    expect((await clientOptionError({ servername: 1n })).option).toBe('servername');
    expect((await clientOptionError({ host: 'localhost', session: Symbol('s') })).option).toBe('session');
    expect((await clientOptionError(throwing('servername'))).option).toBe('servername');
    expect((await clientOptionError(trap)).option).toBe('rejectUnauthorized');
    expect(
      (await clientOptionError(Object.assign(Object.create(null) as object, { maxVersion: 3n }))).option,
    ).toBe('maxVersion');
    expect((await serverOptionError(throwing('cert', { key: m.good.key }))).option).toBe('cert');
    const c = await connect(throwing('port', { host: '127.0.0.1' }) as never);
    expect(!c.ok && c.error.type === 'invalid-option' && c.error.option).toBe('port');
    const l = await listen(throwing('handshakeTimeout', { cert: m.good.chain, key: m.good.key }) as never);
    expect(!l.ok && l.error.type === 'invalid-option' && l.error.option).toBe('handshakeTimeout');
    const l2 = await listen({ port: 0n, cert: m.good.chain, key: m.good.key } as never);
    expect(!l2.ok && l2.error.type === 'invalid-option' && l2.error.option).toBe('port');
  });

  it('an inherited dangerouslyDisableVerification (a polluted prototype) is ignored', async () => {
    const [a, b] = pair();
    const options = Object.create({ dangerouslyDisableVerification: true }) as TlsClientOptions;
    Object.assign(options, { servername: 'localhost' }); // no ca: only the flag could let it through
    const [client, server] = await Promise.all([
      wrapClient(a, options),
      wrapServer(b, { cert: m.selfSigned.cert, key: m.selfSigned.key }),
    ]);
    if (client.ok) client.value.abort();
    if (server.ok) server.value.abort();
    a.abort();
    b.abort();
    expect(client.ok ? 'ok' : client.error.type).toBe('certificate');
  });
});

describe('handshake deadlines', () => {
  it("a listener's handshakeTimeout is reported as timeout, and the listener keeps serving", async () => {
    const errors: string[] = [];
    const bound = await listen({
      host: '127.0.0.1',
      port: 0,
      cert: m.good.chain,
      key: m.good.key,
      handshakeTimeout: 150,
      onHandshakeError: (e) => errors.push(e.type),
    });
    if (!bound.ok) throw new Error(bound.error.message);
    const listener = bound.value;
    onTestFinished(() => listener.close());
    // A TCP client that never starts a handshake.
    const silent = await tcpConnect({ host: '127.0.0.1', port: listener.address.port });
    if (!silent.ok) throw new Error(silent.error.message);
    // The listener gives up on it and drops the connection (an abort: a reset).
    const r = await silent.value.read();
    expect(r.ok ? (r.value === EOF ? 'eof' : 'data') : r.error.type).toBe('reset');
    silent.value.abort();
    for (let i = 0; i < 100 && errors.length === 0; i++) await new Promise((res) => setTimeout(res, 10));
    expect(errors).toEqual(['timeout']);
    const good = await connect({
      host: '127.0.0.1',
      port: listener.address.port,
      ca: m.root.cert,
      servername: 'localhost',
    });
    expect(good.ok).toBe(true);
    if (good.ok) good.value.abort();
  });

  it('a handshakeTimeout beyond what Node timers honour is refused', async () => {
    const r = await listen({
      host: '127.0.0.1',
      port: 0,
      cert: m.good.chain,
      key: m.good.key,
      handshakeTimeout: 3e9,
    });
    expect(r.ok ? undefined : r.error).toMatchObject({ type: 'invalid-option', option: 'handshakeTimeout' });
    if (r.ok) await r.value.close();
  });

  it('an onHandshakeError that throws neither escapes nor stops the listener', async () => {
    let calls = 0;
    const bound = await listen({
      host: '127.0.0.1',
      port: 0,
      cert: m.good.chain,
      key: m.good.key,
      handshakeTimeout: 100,
      onHandshakeError: () => {
        calls++;
        throw new Error('callback bug');
      },
    });
    if (!bound.ok) throw new Error(bound.error.message);
    const listener = bound.value;
    onTestFinished(() => listener.close());
    const silent = await tcpConnect({ host: '127.0.0.1', port: listener.address.port });
    if (!silent.ok) throw new Error(silent.error.message);
    await silent.value.read(); // the listener gives up on the silent client
    silent.value.abort();
    for (let i = 0; i < 100 && calls === 0; i++) await new Promise((res) => setTimeout(res, 10));
    expect(calls).toBe(1);
    const good = await connect({
      host: '127.0.0.1',
      port: listener.address.port,
      ca: m.root.cert,
      servername: 'localhost',
    });
    expect(good.ok).toBe(true);
    if (good.ok) good.value.abort();
  });

  it('a client handshake bounded by AbortSignal.timeout() is a timeout, not an abort', async () => {
    const [a] = pair(); // nobody answers on the other end
    const r = await wrapClient(a, {
      ca: m.root.cert,
      servername: 'localhost',
      signal: AbortSignal.timeout(100),
    });
    expect(r.ok ? 'ok' : r.error.type).toBe('timeout');
  });
});

describe('session resumption', () => {
  it('a client that passes the session of an earlier flow resumes (TLS 1.2 and 1.3)', async () => {
    for (const maxVersion of ['TLSv1.2', 'TLSv1.3'] as const) {
      const serverOpts = { cert: m.good.chain, key: m.good.key };
      const l = await listen({ ...serverOpts, host: '127.0.0.1', port: 0 });
      if (!l.ok) throw new Error(l.error.message);
      onTestFinished(() => l.value.close());
      const base = {
        host: '127.0.0.1',
        servername: 'localhost',
        port: l.value.address.port,
        ca: m.root.cert,
        maxVersion,
      };
      const first = await connect(base);
      if (!first.ok) throw new Error(first.error.message);
      const s1 = await l.value.accept();
      if (!s1.ok) throw new Error('accept');
      expect(first.value.resumed).toBe(false);
      // TLS 1.3 tickets arrive after the handshake: exchange data, then close.
      await s1.value.write(Buffer.from('x'));
      await first.value.read();
      await Promise.all([first.value.close(), s1.value.close(), first.value.read(), s1.value.read()]);
      const session = first.value.session;
      expect(session).toBeInstanceOf(Uint8Array);
      const second = await connect({ ...base, session: session! });
      if (!second.ok) throw new Error(second.error.message);
      const s2 = await l.value.accept();
      expect(second.value.resumed).toBe(true);
      if (s2.ok) expect(s2.value.resumed).toBe(true);
      second.value.abort();
      if (s2.ok) s2.value.abort();
      await l.value.close();
    }
  });
});

type Listening = Awaited<ReturnType<typeof listen>> & { ok: true };

/**
 * The server end of `client`. A client that rejected the server's
 * certificate may leave its server end queued (the server finished its side
 * of the handshake first): such ends are skipped and aborted.
 */
async function serverEndOf(l: Listening, client: TlsFlow): Promise<TlsFlow> {
  const port = (client.transport as { localAddress?: { port?: number } }).localAddress?.port;
  for (let i = 0; i < 8; i++) {
    const s = await l.value.accept();
    if (!s.ok) throw new Error(`accept: ${s.error.message}`);
    if ((s.value.transport as { remoteAddress?: { port?: number } }).remoteAddress?.port === port)
      return s.value;
    s.value.abort();
  }
  throw new Error('the server end of the client never came');
}

/** Dials `options`, lets TLS 1.3 deliver its ticket, closes both ends and returns the client's session. */
async function sessionOf(l: Listening, options: Parameters<typeof connect>[0]): Promise<Uint8Array> {
  const c = await connect(options);
  if (!c.ok) throw new Error(c.error.message);
  const s = await serverEndOf(l, c.value);
  await s.write(Buffer.from('x'));
  await c.value.read();
  await Promise.all([c.value.close(), s.close(), c.value.read(), s.read()]);
  const session = c.value.session;
  if (session === undefined) throw new Error('no session');
  return session;
}

/** Dials; on success aborts both ends. Returns `'ok'` (and whether it resumed) or the error type. */
async function dialOutcome(l: Listening, options: Parameters<typeof connect>[0]): Promise<string> {
  const c = await connect(options);
  if (!c.ok) return c.error.type;
  const s = await serverEndOf(l, c.value);
  c.value.abort();
  s.abort();
  return c.value.resumed ? 'ok, resumed' : 'ok';
}

describe('a session resumes only where it was verified', () => {
  it('a session verified for localhost is not offered to other.example: the full handshake checks the name', async () => {
    const l = await listen({ cert: m.good.chain, key: m.good.key, host: '127.0.0.1', port: 0 });
    if (!l.ok) throw new Error(l.error.message);
    onTestFinished(() => l.value.close());
    for (const maxVersion of ['TLSv1.2', 'TLSv1.3'] as const) {
      const base = { host: '127.0.0.1', port: l.value.address.port, ca: m.root.cert, maxVersion };
      const session = await sessionOf(l, { ...base, servername: 'localhost' });
      expect(await dialOutcome(l, { ...base, servername: 'localhost', session })).toBe('ok, resumed');
      // The server's certificate names localhost only: resuming would skip that check.
      expect(await dialOutcome(l, { ...base, servername: 'other.example', session })).toBe('certificate');
    }
  });

  it('a session from an unverified handshake does not let a verifying one skip verification', async () => {
    const l = await listen({ cert: m.untrusted.chain, key: m.untrusted.key, host: '127.0.0.1', port: 0 });
    if (!l.ok) throw new Error(l.error.message);
    onTestFinished(() => l.value.close());
    for (const maxVersion of ['TLSv1.2', 'TLSv1.3'] as const) {
      const base = { host: '127.0.0.1', port: l.value.address.port, servername: 'localhost', maxVersion };
      const session = await sessionOf(l, { ...base, dangerouslyDisableVerification: true });
      expect(await dialOutcome(l, { ...base, dangerouslyDisableVerification: true, session })).toBe(
        'ok, resumed',
      );
      expect(await dialOutcome(l, { ...base, ca: m.root.cert, session })).toBe('certificate');
    }
  });
});

describe('a reused options object', () => {
  it('client: a changed servername is checked on the next connect (only the context is cached)', async () => {
    const l = await listen({ cert: m.good.chain, key: m.good.key, host: '127.0.0.1', port: 0 });
    if (!l.ok) throw new Error(l.error.message);
    onTestFinished(() => l.value.close());
    const options: { -readonly [K in keyof TlsClientOptions]: TlsClientOptions[K] } & {
      host: string;
      port: number;
    } = { host: '127.0.0.1', port: l.value.address.port, ca: m.root.cert, servername: 'localhost' };
    expect(await dialOutcome(l, options)).toBe('ok');
    options.servername = 'other.example';
    expect(await dialOutcome(l, options)).toBe('certificate');
    options.servername = 'localhost';
    options.ca = m.selfSigned.cert;
    expect(await dialOutcome(l, options)).toBe('certificate');
    options.ca = m.root.cert;
    expect(await dialOutcome(l, options)).toBe('ok');
  });

  it('server: requestCert set on an object already used is enforced', async () => {
    const serverOptions: { cert: string; key: string; ca: string; requestCert?: boolean } = {
      cert: m.good.chain,
      key: m.good.key,
      ca: m.root.cert,
    };
    const run = async () => {
      const [a, b] = pair();
      const [c, s] = await Promise.all([
        wrapClient(a, { ca: m.root.cert, servername: 'localhost' }),
        wrapServer(b, serverOptions),
      ]);
      if (c.ok) c.value.abort();
      if (s.ok) s.value.abort();
      a.abort();
      b.abort();
      return s.ok ? 'ok' : s.error.type;
    };
    expect(await run()).toBe('ok');
    serverOptions.requestCert = true;
    expect(await run()).toBe('certificate');
  });
});
