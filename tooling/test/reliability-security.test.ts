import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { type ConnectError, formatError } from '@flowkit/flow-types';
import { pair } from '@flowkit/memory';
import * as tls from '@flowkit/tls';
import * as unix from '@flowkit/unix';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CertMatrix, makeCertMatrix } from '../../packages/tls/test/support/certs.js';
import { assertBudgeted } from '../testing/budgeted-property.js';
import { makeCertificates, type TourCertificates } from '../tour/certs.js';

let certs: TourCertificates;
let other: TourCertificates;
let dir: string;

beforeAll(async () => {
  [certs, other] = await Promise.all([makeCertificates(), makeCertificates()]);
  dir = await mkdtemp(join(tmpdir(), 'flowkit-sec-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A Node TLS server (a peer that is not ours) on 127.0.0.1:0 presenting `cert`; it ends each connection. */
async function nodeTlsServer(cert: string, key: string): Promise<number> {
  const server = createTlsServer({ cert, key }, (socket) => {
    socket.on('error', () => {});
    socket.end();
  });
  server.on('tlsClientError', () => {});
  tlsServers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** `tls.connect` to 127.0.0.1:`port`: the flow is aborted at once; the result's error type, or `ok`. */
async function dial(port: number, options: object): Promise<string> {
  const r = await tls.connect({ ...(options as tls.TlsConnectOptions), host: '127.0.0.1', port });
  if (r.ok) r.value.abort();
  return r.ok ? 'ok' : r.error.type;
}

/** Servers a verifying client must refuse: the certificate matrix's bad cases, each a real handshake. */
const badServers = [
  'expired',
  'not yet valid',
  'wrong host',
  'self-signed',
  'untrusted root',
  'incomplete chain',
];
let m: CertMatrix;
const tlsServers: TlsServer[] = [];
const ports = new Map<string, number>();

describe('no option combination silently disables verification (real handshakes on loopback)', () => {
  beforeAll(async () => {
    m = makeCertMatrix();
    const presented: Record<string, readonly [string, string]> = {
      good: [m.good.chain, m.good.key],
      expired: [m.expired.chain, m.expired.key],
      'not yet valid': [m.notYetValid.chain, m.notYetValid.key],
      'wrong host': [m.wrongHost.chain, m.wrongHost.key],
      'self-signed': [m.selfSigned.cert, m.selfSigned.key],
      'untrusted root': [m.untrusted.chain, m.untrusted.key],
      // The leaf without its intermediate: the client trusts only the root.
      'incomplete chain': [m.good.cert, m.good.key],
    };
    for (const [name, [cert, key]] of Object.entries(presented))
      ports.set(name, await nodeTlsServer(cert, key));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(tlsServers.map((s) => new Promise((done) => s.close(done))));
    m?.cleanup();
  });

  /** Client options flowkit accepts, none of which may turn verification off. The CA is never `inter`. */
  const accepted = () =>
    fc.record(
      {
        ca: fc.constantFrom(m.root.cert, [m.root.cert], new TextEncoder().encode(m.root.cert), [
          m.root.cert,
          certs.ca,
        ]),
        servername: fc.constantFrom('localhost', undefined),
        alpnProtocols: fc.constantFrom(['h2'], ['h2', 'http/1.1'], undefined),
        minVersion: fc.constantFrom('TLSv1.2', 'TLSv1.3', undefined),
        maxVersion: fc.constantFrom('TLSv1.3', undefined),
        dangerouslyDisableVerification: fc.constantFrom(false, undefined),
        noDelay: fc.boolean(),
      },
      { requiredKeys: ['ca'] },
    );

  it('accepted option mixes reach a handshake: the good server is accepted, every bad one refused as `certificate`', async () => {
    let handshakes = 0;
    await assertBudgeted(
      fc.asyncProperty(accepted(), fc.constantFrom(...badServers), async (o, bad) => {
        expect(await dial(ports.get('good')!, o), 'good server').toBe('ok');
        expect(await dial(ports.get(bad)!, o), bad).toBe('certificate');
        handshakes += 2;
      }),
      { numRuns: 40, seed: 3, budgetMs: 30_000 },
    );
    expect(handshakes).toBe(80);
    // The same servers with verification explicitly off are accepted: the refusals above were verification.
    for (const bad of badServers) {
      expect(await dial(ports.get(bad)!, { dangerouslyDisableVerification: true }), bad).toBe('ok');
    }
  }, 60_000);

  it('Node-level side doors and non-boolean flags are refused up front as `invalid-option`, naming one of them', async () => {
    const sideDoors: Record<string, unknown> = {
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
      secureContext: {},
      ciphers: 'ALL',
      secureProtocol: 'TLS_method',
      pskCallback: () => null,
    };
    const doors = fc.subarray(
      [
        ...Object.entries(sideDoors),
        ['dangerouslyDisableVerification', 'true'] as const,
        ['dangerouslyDisableVerification', 1] as const,
      ],
      { minLength: 1 },
    );
    await assertBudgeted(
      fc.asyncProperty(accepted(), doors, fc.constantFrom(...badServers), async (o, extra, bad) => {
        const options: object = { ...o, ...Object.fromEntries(extra) };
        const r = await tls.connect({
          ...(options as tls.TlsConnectOptions),
          host: '127.0.0.1',
          port: ports.get(bad)!,
        });
        if (r.ok) r.value.abort();
        expect(r.ok ? 'ok' : r.error.type, bad).toBe('invalid-option');
        if (!r.ok && r.error.type === 'invalid-option')
          expect(Object.keys(options)).toContain(r.error.option);
      }),
      { numRuns: 40, seed: 4, budgetMs: 20_000 },
    );
  });

  it('an inherited dangerouslyDisableVerification (a polluted prototype) does not turn verification off', async () => {
    // Passed as is, not spread: a spread would drop the inherited flag before tls.connect saw it.
    const polluted = (port: number) =>
      Object.assign(Object.create({ dangerouslyDisableVerification: true }) as tls.TlsConnectOptions, {
        ca: m.root.cert,
        servername: 'localhost',
        host: '127.0.0.1',
        port,
      });
    const type = async (port: number) => {
      const r = await tls.connect(polluted(port));
      if (r.ok) r.value.abort();
      return r.ok ? 'ok' : r.error.type;
    };
    for (const bad of badServers) expect(await type(ports.get(bad)!), bad).toBe('certificate');
    expect(await type(ports.get('good')!)).toBe('ok');
  });

  it('over memory too (wrapClient): an untrusted server is refused as `certificate`; only an own flag accepts it', async () => {
    const over = async (options: object) => {
      const [c, s] = pair();
      const server = tls.wrapServer(s, { cert: m.selfSigned.cert, key: m.selfSigned.key });
      const client = await tls.wrapClient(c, options as tls.TlsClientOptions);
      c.abort();
      s.abort();
      const sr = await server;
      if (sr.ok) sr.value.abort();
      if (client.ok) client.value.abort();
      return client.ok ? 'ok' : client.error.type;
    };
    expect(await over({ ca: m.root.cert, servername: 'localhost' })).toBe('certificate');
    const polluted = Object.assign(Object.create({ dangerouslyDisableVerification: true }) as object, {
      ca: m.root.cert,
      servername: 'localhost',
    });
    expect(await over(polluted)).toBe('certificate');
    expect(await over({ servername: 'localhost', dangerouslyDisableVerification: true })).toBe('ok');
  });
});

describe('unix listen never removes what it must not', () => {
  it('a regular file, a directory, a symlink to a stale socket and a live socket stay; listen says why', async () => {
    const file = join(dir, 'file');
    await writeFile(file, 'precious');
    const folder = join(dir, 'folder');
    await mkdir(folder);
    await writeFile(join(folder, 'inside'), 'x');
    const stalePath = join(dir, 'stale-made.sock');
    // Make a real stale socket: a child binds it and is SIGKILLed, so nothing unlinks it.
    const child = spawn(
      process.execPath,
      [
        '-e',
        `require('node:net').createServer().listen(${JSON.stringify(stalePath)}, () => console.log('up'))`,
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await once(child.stdout, 'data');
    child.kill('SIGKILL');
    await once(child, 'exit');
    const link = join(dir, 'link.sock');
    await symlink(stalePath, link);
    const liveServer = createServer();
    const livePath = join(dir, 'live.sock');
    liveServer.listen(livePath);
    await once(liveServer, 'listening');
    try {
      const expectations: [string, string][] = [
        [file, 'exists'],
        [folder, 'exists'],
        [link, 'exists'],
        [livePath, 'in-use'],
      ];
      for (const [path, type] of expectations) {
        const r = await unix.listen({ path });
        if (r.ok) await r.value.close();
        expect(r.ok ? 'listening' : r.error.type, path).toBe(type);
      }
      expect(await readFile(file, 'utf8')).toBe('precious');
      expect(existsSync(join(folder, 'inside'))).toBe(true);
      expect((await lstat(link)).isSymbolicLink()).toBe(true);
      expect((await lstat(stalePath)).isSocket()).toBe(true);
      expect((await lstat(livePath)).isSocket()).toBe(true);
      // The stale socket itself (not via the link) is cleared and reused.
      const r = await unix.listen({ path: stalePath });
      expect(r.ok).toBe(true);
      if (r.ok) await r.value.close();
    } finally {
      await new Promise((r) => liveServer.close(r));
    }
  });

  it('the socket file gets exactly the requested mode', async () => {
    for (const mode of [0o600, 0o660, 0o700, 0o777, 0o640, 0o000]) {
      const path = join(dir, `mode-${mode.toString(8)}.sock`);
      const r = await unix.listen({ path, mode });
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      expect(((await stat(path)).mode & 0o777).toString(8)).toBe(mode.toString(8));
      await r.value.close();
    }
  });
});

/** Every run of 16+ base64 characters in the key's body. */
function keyRuns(pem: string): string[] {
  const body = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const runs: string[] = [];
  for (let i = 0; i + 16 <= body.length; i += 8) runs.push(body.slice(i, i + 16));
  return runs;
}

describe('error messages never carry private key material', () => {
  it('good, garbage, truncated and wrong keys: no message or formatError line holds a 16-char run of the key', async () => {
    const keys = [
      other.key,
      certs.key.slice(0, 120),
      certs.key.slice(0, certs.key.length - 60),
      certs.key.replace(/[A-Za-z](?=[A-Za-z0-9+/]{20})/, (c) => (c === 'A' ? 'B' : 'A')),
      '-----BEGIN PRIVATE KEY-----\nTk9UQUtFWU5PVEFLRVlOT1RBS0VZTk9UQUtFWU5PVEFLRVk=\n-----END PRIVATE KEY-----\n',
      certs.key.replace('PRIVATE KEY', 'ENCRYPTED PRIVATE KEY'),
    ];
    for (const key of keys) {
      const errors: ConnectError[] = [];
      const [c, s] = pair();
      const r = await tls.wrapServer(s, { cert: certs.cert, key });
      c.abort();
      s.abort();
      if (r.ok) r.value.abort();
      else errors.push(r.error);
      const l = await tls.listen({ host: '127.0.0.1', port: 0, cert: certs.cert, key, passphrase: 'wrong' });
      if (l.ok) await l.value.close();
      else errors.push(l.error as ConnectError);
      const cl = await tls.wrapClient(pair()[0], { servername: 'localhost', cert: certs.cert, key });
      if (cl.ok) cl.value.abort();
      else errors.push(cl.error);
      expect(errors.length).toBeGreaterThan(0);
      const runs = [...keyRuns(key), ...keyRuns(certs.key)];
      for (const e of errors) {
        const text = `${e.message}\n${formatError(e)}`;
        for (const run of runs) expect(text).not.toContain(run);
      }
    }
  });
});
