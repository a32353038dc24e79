import type { ConnectError } from '@flowkit/flow-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CertMatrix, makeCertMatrix } from '../../tls/test/support/certs.js';
import { connect, listen, type WebSocketConnectOptions, type WebSocketListener } from '../src/index.js';

let certs: CertMatrix;
beforeAll(() => {
  certs = makeCertMatrix();
});
afterAll(() => certs.cleanup());

async function serveWith(pem: { cert: string; key: string; chain?: string }): Promise<WebSocketListener> {
  const l = await listen({ host: '127.0.0.1', port: 0, cert: pem.chain ?? pem.cert, key: pem.key });
  if (!l.ok) throw new Error(l.error.message);
  return l.value;
}

async function dialError(
  listener: WebSocketListener,
  options: Partial<WebSocketConnectOptions>,
): Promise<ConnectError> {
  const r = await connect({ url: listener.address.url, ...options });
  if (r.ok) {
    r.value.abort();
    throw new Error('connected, expected an error');
  }
  return r.error;
}

describe('wss: is secure by default', () => {
  it('verifies the chain and the name: a good certificate connects, with ca and servername', async () => {
    const l = await serveWith(certs.good);
    try {
      const r = await connect({ url: l.address.url, ca: certs.root.cert, servername: 'localhost' });
      if (!r.ok) throw new Error(r.error.message);
      r.value.abort();
    } finally {
      await l.close();
    }
  });

  it.each([
    ['self-signed', 'selfSigned'],
    ['expired', 'expired'],
    ['not yet valid', 'notYetValid'],
    ['issued for another host', 'wrongHost'],
    ['chained to an untrusted root', 'untrusted'],
  ] as const)('a certificate %s is a `certificate` error', async (_, which) => {
    const l = await serveWith(certs[which]);
    try {
      const error = await dialError(l, { ca: certs.root.cert, servername: 'localhost' });
      expect(error.type).toBe('certificate');
      expect(error.message).toContain(l.address.url);
    } finally {
      await l.close();
    }
  });

  it('without ca, Node’s roots are used: the test root is not trusted', async () => {
    const l = await serveWith(certs.good);
    try {
      expect((await dialError(l, { servername: 'localhost' })).type).toBe('certificate');
    } finally {
      await l.close();
    }
  });

  it('dangerouslyDisableVerification counts only as an own property; inherited, verification stays on', async () => {
    const l = await serveWith(certs.selfSigned);
    try {
      const inherited = Object.create({ dangerouslyDisableVerification: true }) as WebSocketConnectOptions;
      Object.assign(inherited, { url: l.address.url });
      const refused = await connect(inherited);
      expect(refused.ok ? 'connected' : refused.error.type).toBe('certificate');
      const own = await connect({ url: l.address.url, dangerouslyDisableVerification: true });
      if (!own.ok) throw new Error(own.error.message);
      own.value.abort();
    } finally {
      await l.close();
    }
  });

  it('a polluted Object.prototype (rejectUnauthorized: false, checkServerIdentity) changes nothing', async () => {
    const l = await serveWith(certs.selfSigned);
    const proto = Object.prototype as Record<string, unknown>;
    proto.rejectUnauthorized = false;
    proto.checkServerIdentity = () => undefined;
    proto.dangerouslyDisableVerification = true;
    try {
      expect((await dialError(l, {})).type).toBe('certificate');
    } finally {
      delete proto.rejectUnauthorized;
      delete proto.checkServerIdentity;
      delete proto.dangerouslyDisableVerification;
      await l.close();
    }
  });

  it.each([
    'rejectUnauthorized',
    'checkServerIdentity',
    'secureContext',
    'ciphers',
    'secureProtocol',
    'pskCallback',
  ])('the side door %s is refused by name, on connect and on listen', async (option) => {
    const dialed = await connect({ url: 'wss://127.0.0.1:1/', [option]: false } as WebSocketConnectOptions);
    expect(
      dialed.ok ? 'connected' : [dialed.error.type, (dialed.error as { option?: string }).option],
    ).toEqual(['invalid-option', option]);
    const bound = await listen({ cert: certs.good.chain, key: certs.good.key, [option]: false });
    if (bound.ok) await bound.value.close();
    expect(bound.ok ? 'listening' : [bound.error.type, (bound.error as { option?: string }).option]).toEqual([
      'invalid-option',
      option,
    ]);
  });

  it('TLS 1.2 is the floor: minVersion TLSv1.1 is refused; TLS options on a ws: URL are refused', async () => {
    const old = await connect({ url: 'wss://127.0.0.1:1/', minVersion: 'TLSv1.1' as never });
    expect(old.ok ? 'connected' : old.error.message).toContain('minVersion');
    const plain = await connect({ url: 'ws://127.0.0.1:1/', ca: certs.root.cert });
    expect(plain.ok ? 'connected' : plain.error.message).toContain('applies only to wss:');
  });

  it('a client capped at TLS 1.2 and a server that requires 1.3: a `handshake` error, not `io`', async () => {
    const l = await listen({ cert: certs.good.chain, key: certs.good.key, minVersion: 'TLSv1.3' });
    if (!l.ok) throw new Error(l.error.message);
    try {
      const capped = await connect({
        url: l.value.address.url,
        ca: certs.root.cert,
        servername: 'localhost',
        maxVersion: 'TLSv1.2',
      });
      expect(capped.ok ? 'connected' : capped.error.type).toBe('handshake');
    } finally {
      await l.value.close();
    }
  });

  it('bad PEM is an invalid-option naming the option, before any I/O', async () => {
    const r = await connect({ url: 'wss://127.0.0.1:1/', ca: 'not a certificate' });
    expect(r.ok ? 'connected' : [r.error.type, (r.error as { option?: string }).option]).toEqual([
      'invalid-option',
      'ca',
    ]);
    const l = await listen({ cert: certs.good.chain, key: 'not a key' });
    expect(l.ok ? 'listening' : [l.error.type, (l.error as { option?: string }).option]).toEqual([
      'invalid-option',
      'key',
    ]);
  });

  it('mutual TLS: with requestCert a client without a certificate is refused, with one under ca it connects', async () => {
    const l = await listen({
      cert: certs.good.chain,
      key: certs.good.key,
      ca: certs.root.cert,
      requestCert: true,
    });
    if (!l.ok) throw new Error(l.error.message);
    try {
      const client = { ca: [certs.root.cert, certs.inter.cert], servername: 'localhost' };
      const without = await connect({ url: l.value.address.url, ...client });
      if (without.ok) without.value.abort();
      expect(without.ok ? 'connected' : without.error.type).toBe('certificate');
      const withCert = await connect({
        url: l.value.address.url,
        ...client,
        cert: certs.client.cert,
        key: certs.client.key,
      });
      if (!withCert.ok) throw new Error(withCert.error.message);
      withCert.value.abort();
    } finally {
      await l.value.close();
    }
  });
});
