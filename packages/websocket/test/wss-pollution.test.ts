import { once } from 'node:events';
import { createSecureContext, connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { type CertMatrix, makeCertMatrix } from '../../tls/test/support/certs.js';
import { connect, listen, type WebSocketConnectOptions, type WebSocketListenOptions } from '../src/index.js';

// A polluted Object.prototype must not steer the TLS under wss:. Node and
// `ws` copy option objects with `{ ...options }` (ws's initAsClient, http's
// ClientRequest, tls.connect, https.Server), so a key flowkit leaves absent
// is looked up on Object.prototype by the next reader.

let certs: CertMatrix;
/** The CA that signed `certs.untrusted` and `certs.clientOtherCa`: the attacker's. */
let attackerCa: string;
beforeAll(() => {
  certs = makeCertMatrix();
  attackerCa = certs.untrusted.chain.slice(certs.untrusted.cert.length);
});
afterAll(() => certs.cleanup());

const proto = Object.prototype as Record<string, unknown>;

/** Runs `body` with `Object.prototype[name] = value`, always removing it again. */
async function pollutedWith<T>(name: string, value: unknown, body: () => Promise<T>): Promise<T> {
  proto[name] = value;
  try {
    return await body();
  } finally {
    delete proto[name];
  }
}

async function served(options: WebSocketListenOptions) {
  const l = await listen({ host: '127.0.0.1', port: 0, ...options });
  if (!l.ok) throw new Error(l.error.message);
  onTestFinished(() => l.value.close());
  return l.value;
}

/** Dials and reports `'connected'` or the error type; a flow that opened is aborted at once. */
async function dial(options: WebSocketConnectOptions): Promise<string> {
  const r = await connect({ timeout: 5_000, ...options });
  if (r.ok) r.value.abort();
  return r.ok ? 'connected' : r.error.type;
}

/** `wss://localhost:port/`: a name, so the client sends SNI and checks the name. */
const byName = (url: string) => url.replace('127.0.0.1', 'localhost');

describe('wss: a polluted Object.prototype changes nothing', () => {
  it('Object.prototype.ca (an attacker CA) does not make connect trust a server that CA signed', async () => {
    const l = await served({ cert: certs.untrusted.chain, key: certs.untrusted.key });
    const url = byName(l.address.url);
    const got = await pollutedWith('ca', attackerCa, async () => [
      await dial({ url }),
      await dial({ url, ca: certs.root.cert }),
    ]);
    expect(got).toEqual(['certificate', 'certificate']);
  });

  it('no TLS, HTTP or socket option set on Object.prototype turns connect’s verification off or moves the dial', async () => {
    const untrusted = await served({ cert: certs.untrusted.chain, key: certs.untrusted.key });
    const good = await served({ cert: certs.good.chain, key: certs.good.key });
    const called: string[] = [];
    const hostile: Record<string, unknown> = {
      ca: attackerCa,
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
      secureContext: createSecureContext({ ca: attackerCa }),
      allowPartialTrustChain: true,
      // ws dials with options.createConnection when there is one: a socket
      // that verifies nothing.
      createConnection: (o: { host: string; port: number }) => {
        called.push('createConnection');
        return tlsConnect({ host: o.host, port: o.port, rejectUnauthorized: false });
      },
      agent: {
        addRequest: () => called.push('agent'),
      },
      finishRequest: (request: { end(): void }) => {
        called.push('finishRequest');
        request.end();
      },
      lookup: (_host: string, _options: unknown, done: (e: Error) => void) => {
        called.push('lookup');
        done(new Error('lookup hijacked'));
      },
      session: Buffer.from('not a session'),
      ALPNProtocols: ['evil'],
    };
    const changed: string[] = [];
    for (const [name, value] of Object.entries(hostile)) {
      const got = await pollutedWith(name, value, async () => [
        await dial({ url: byName(untrusted.address.url) }),
        await dial({ url: byName(good.address.url), ca: certs.root.cert }),
      ]);
      if (got[0] !== 'certificate' || got[1] !== 'connected') changed.push(`${name}: ${got.join(', ')}`);
    }
    expect(changed).toEqual([]);
    expect(called).toEqual([]);
  });

  it('a requestCert listener trusts no client certificate through Object.prototype (ca, SNICallback)', async () => {
    const l = await served({
      cert: certs.good.chain,
      key: certs.good.key,
      ca: certs.root.cert,
      requestCert: true,
    });
    const url = byName(l.address.url);
    const client = { url, ca: certs.root.cert };
    const stranger = { ...client, cert: certs.clientOtherCa.cert, key: certs.clientOtherCa.key };
    const friend = { ...client, cert: certs.client.cert, key: certs.client.key };
    const trustsAttacker = createSecureContext({
      ca: attackerCa,
      cert: certs.good.chain,
      key: certs.good.key,
    });
    const hostile: Record<string, unknown> = {
      ca: attackerCa,
      SNICallback: (_name: string, done: (e: null, c: unknown) => void) => done(null, trustsAttacker),
      rejectUnauthorized: false,
      requestCert: false,
    };
    // Refused, as without pollution (TLS 1.3: the client may read the server's alert or its reset).
    const expected = [await dial(stranger), await dial(friend)];
    expect(expected[0]).not.toBe('connected');
    expect(expected[1]).toBe('connected');
    const changed: string[] = [];
    for (const [name, value] of Object.entries(hostile)) {
      // The listener is made while the prototype is polluted: that is when Node reads its options.
      const got = await pollutedWith(name, value, async () => {
        const polluted = await served({
          cert: certs.good.chain,
          key: certs.good.key,
          ca: certs.root.cert,
          requestCert: true,
        });
        const at = byName(polluted.address.url);
        return [await dial({ ...stranger, url: at }), await dial({ ...friend, url: at })];
      });
      if (got[0] === 'connected' || got[1] !== 'connected') changed.push(`${name}: ${got.join(', ')}`);
    }
    expect(changed).toEqual([]);
  });

  it('Object.prototype.ticketKeys does not become the key of a listener’s session tickets', async () => {
    // tls.Server builds its context from this.ticketKeys, which it sets only when given.
    const attackerKeys = Buffer.alloc(48, 0x41);
    const l = await pollutedWith('ticketKeys', attackerKeys, () =>
      served({ cert: certs.good.chain, key: certs.good.key }),
    );
    const client = tlsConnect({
      host: '127.0.0.1',
      port: l.address.port,
      ca: certs.root.cert,
      servername: 'localhost',
      maxVersion: 'TLSv1.2',
    });
    client.on('error', () => {});
    const closed = new Promise((resolve) => client.once('close', resolve));
    onTestFinished(async () => {
      client.destroy();
      await closed;
    });
    await once(client, 'session');
    // A TLS 1.2 ticket starts with the 16-byte name of the key that sealed it.
    const ticket = client.getTLSTicket();
    expect(ticket?.subarray(0, 16).equals(attackerKeys.subarray(0, 16))).toBe(false);
  });
});
