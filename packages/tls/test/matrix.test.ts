import { once } from 'node:events';
import type { AddressInfo, Server } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { type ConnectError, EOF } from '@flowkit/flow-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, listen, type TlsListener } from '../src/index.js';
import { type CertMatrix, makeCertMatrix } from './support/certs.js';

let m: CertMatrix;
const servers: (Server | TlsServer)[] = [];
const listeners: TlsListener[] = [];
/** What each bad case produced, printed once for the record. */
const seen: string[] = [];

beforeAll(() => {
  m = makeCertMatrix();
});
afterAll(async () => {
  await Promise.all(listeners.map((l) => l.close()));
  for (const s of servers) {
    s.close();
  }
  m.cleanup();
  if (process.env.FLOWKIT_TLS_MATRIX === '1') console.log(seen.join('\n'));
});

/** A plain Node TLS server presenting `cert` (the peer under test, not ours). */
async function nodeServer(options: Parameters<typeof createTlsServer>[0]): Promise<number> {
  const server = createTlsServer(options, (socket) => {
    socket.on('error', () => {});
    socket.end('hi');
  });
  server.on('tlsClientError', () => {});
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

function record(name: string, e: ConnectError): void {
  seen.push(`${name} | ${e.type} | ${'code' in e ? e.code : ''} | ${e.message}`);
}

describe('certificate matrix (client side)', () => {
  const cases = [
    {
      name: 'expired',
      pem: () => ({ cert: m.expired.chain, key: m.expired.key }),
      type: 'certificate',
      code: 'CERT_HAS_EXPIRED',
      text: /expired/,
    },
    {
      name: 'not yet valid',
      pem: () => ({ cert: m.notYetValid.chain, key: m.notYetValid.key }),
      type: 'certificate',
      code: 'CERT_NOT_YET_VALID',
      text: /not yet valid/,
    },
    {
      name: 'wrong host',
      pem: () => ({ cert: m.wrongHost.chain, key: m.wrongHost.key }),
      type: 'certificate',
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
      // Each name in its place (issue 13): the certificate's, then the expected one.
      text: /^certificate of 127\.0\.0\.1:\d+ does not match the expected host name: it is for DNS:other\.example, not for localhost/,
    },
    {
      name: 'self-signed',
      pem: () => ({ cert: m.selfSigned.cert, key: m.selfSigned.key }),
      type: 'certificate',
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      text: /self-signed/,
    },
    {
      name: 'untrusted root',
      pem: () => ({ cert: m.untrusted.chain, key: m.untrusted.key }),
      type: 'certificate',
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
      text: /root certificate that is not trusted/,
    },
    {
      name: 'incomplete chain',
      pem: () => ({ cert: m.good.cert, key: m.good.key }),
      type: 'certificate',
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      text: /incomplete/,
    },
  ] as const;

  for (const c of cases) {
    it(`${c.name}: ${c.type} ${c.code}`, async () => {
      const port = await nodeServer(c.pem());
      const r = await connect({ host: '127.0.0.1', servername: 'localhost', port, ca: m.root.cert });
      expect(r.ok).toBe(false);
      if (r.ok) return;
      record(c.name, r.error);
      expect(r.error.type).toBe(c.type);
      expect('code' in r.error && r.error.code).toBe(c.code);
      expect(r.error.message).toMatch(c.text);
      expect(r.error.message).toContain('localhost');
    });
  }

  it('the good chain connects, verified, and reads the greeting', async () => {
    const port = await nodeServer({ cert: m.good.chain, key: m.good.key });
    const r = await connect({ host: '127.0.0.1', servername: 'localhost', port, ca: m.root.cert });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.authorized).toBe(true);
    const first = await r.value.read();
    expect(first.ok && first.value !== EOF && Buffer.from(first.value).toString()).toBe('hi');
    r.value.abort();
  });

  it('host name comes from host when there is no servername (127.0.0.1 is in the SAN)', async () => {
    const port = await nodeServer({ cert: m.good.chain, key: m.good.key });
    const r = await connect({ host: '127.0.0.1', port, ca: m.root.cert });
    expect(r.ok).toBe(true);
    if (r.ok) r.value.abort();
    const wrong = await connect({ host: '127.0.0.1', servername: 'example.org', port, ca: m.root.cert });
    expect(wrong.ok ? 'ok' : wrong.error.type).toBe('certificate');
  });

  it('a server limited to TLS 1.0/1.1 fails with a handshake error naming the version', async () => {
    const port = await nodeServer({
      cert: m.good.chain,
      key: m.good.key,
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.1',
      ciphers: 'DEFAULT@SECLEVEL=0',
    });
    const r = await connect({ host: '127.0.0.1', servername: 'localhost', port, ca: m.root.cert });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    record('TLS 1.1 server', r.error);
    expect(r.error.type).toBe('handshake');
    expect(r.error.message).toMatch(/TLS 1\.2/);
  });
});

describe('mutual TLS (our listener requires client certificates)', () => {
  async function mtlsListener(errors: ConnectError[]): Promise<TlsListener> {
    const l = await listen({
      cert: m.good.chain,
      key: m.good.key,
      ca: m.root.cert,
      requestCert: true,
      onHandshakeError: (e) => errors.push(e),
    });
    if (!l.ok) throw new Error(l.error.message);
    listeners.push(l.value);
    return l.value;
  }

  for (const maxVersion of ['TLSv1.2', 'TLSv1.3'] as const) {
    it(`${maxVersion}: a client without a certificate is refused, on both ends`, async () => {
      const errors: ConnectError[] = [];
      const l = await mtlsListener(errors);
      const r = await connect({
        host: '127.0.0.1',
        servername: 'localhost',
        port: l.address.port,
        ca: m.root.cert,
        maxVersion,
      });
      let clientError: { type: string; code?: string; message: string } | undefined;
      if (r.ok) {
        // TLS 1.3: the client's handshake ends before the server checks its
        // certificate; the refusal arrives as an alert on the first read.
        const read = await r.value.read();
        expect(read.ok).toBe(false);
        if (!read.ok) clientError = read.error;
        r.value.abort();
      } else {
        clientError = r.error;
      }
      seen.push(
        `mTLS no client cert (${maxVersion}), client | ${clientError?.type} | ${clientError?.code} | ${clientError?.message}`,
      );
      expect(clientError?.message).toMatch(/certificate|handshake/);
      for (let i = 0; i < 100 && errors.length === 0; i++) await new Promise((res) => setTimeout(res, 20));
      expect(errors.length).toBe(1);
      record(`mTLS no client cert (${maxVersion}), server`, errors[0]!);
      expect(errors[0]!.type).toBe('certificate');
      expect(errors[0]!.message).toMatch(/no certificate|certificate/);
    });
  }

  it('a client certificate from the wrong CA is refused; the right one is accepted', async () => {
    const errors: ConnectError[] = [];
    const l = await mtlsListener(errors);
    const base = {
      host: '127.0.0.1',
      servername: 'localhost',
      port: l.address.port,
      ca: m.root.cert,
      maxVersion: 'TLSv1.2',
    } as const;
    const bad = await connect({ ...base, cert: m.clientOtherCa.cert, key: m.clientOtherCa.key });
    expect(bad.ok).toBe(false);
    if (!bad.ok) record('mTLS wrong-CA client cert, client', bad.error);
    if (!bad.ok) expect(bad.error.type).toBe('handshake');
    for (let i = 0; i < 100 && errors.length === 0; i++) await new Promise((res) => setTimeout(res, 20));
    expect(errors.length).toBe(1);
    record('mTLS wrong-CA client cert, server', errors[0]!);
    expect(errors[0]!.type).toBe('certificate');

    const good = await connect({ ...base, cert: m.client.cert, key: m.client.key });
    expect(good.ok).toBe(true);
    const accepted = await l.accept();
    expect(accepted.ok).toBe(true);
    if (accepted.ok) {
      expect(accepted.value.peerCertificate?.subject.CN).toBe('flowkit client');
      accepted.value.abort();
    }
    if (good.ok) good.value.abort();
  });
});
