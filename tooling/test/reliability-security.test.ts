import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ConnectError, formatError } from '@flowkit/flow-types';
import { pair } from '@flowkit/memory';
import * as tls from '@flowkit/tls';
import * as unix from '@flowkit/unix';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificates, type TourCertificates } from '../tour/certs.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
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

describe('the TLS certificate matrix', () => {
  it('lives in packages/tls/test/matrix.test.ts (run by `pnpm test`), covering the cases named in the issue', async () => {
    const text = await readFile(join(root, 'packages/tls/test/matrix.test.ts'), 'utf8');
    for (const name of ['expired', 'not yet valid', 'self-signed', 'incomplete chain', 'wrong host']) {
      expect(text).toContain(name);
    }
  });
});

/** A wrapClient result against a self-signed server (not trusted by `ca`), over memory. */
async function againstUntrusted(options: object): Promise<boolean> {
  const [c, s] = pair();
  const server = tls.wrapServer(s, { cert: other.cert, key: other.key });
  const client = await tls.wrapClient(c, options as tls.TlsClientOptions);
  c.abort();
  s.abort();
  const sr = await server;
  if (sr.ok) sr.value.abort();
  if (client.ok) client.value.abort();
  return client.ok;
}

describe('no option combination silently disables verification', () => {
  it('random mixes of client options (incl. Node-level ones) never accept an untrusted server; only an own dangerouslyDisableVerification: true does', async () => {
    const options = fc.record(
      {
        ca: fc.constantFrom(certs.ca, certs.cert, [certs.ca]),
        servername: fc.constantFrom('localhost', '127.0.0.1', 'example.invalid'),
        host: fc.constantFrom('localhost', '127.0.0.1'),
        alpnProtocols: fc.constant(['h2']),
        minVersion: fc.constantFrom('TLSv1.2', 'TLSv1.3'),
        dangerouslyDisableVerification: fc.constantFrom(false, 'true', 1, 'yes', undefined),
        rejectUnauthorized: fc.constantFrom(false, 0),
        checkServerIdentity: fc.constant(() => undefined),
        requestOCSP: fc.boolean(),
        enableTrace: fc.constant(false),
        secureContext: fc.constant({}),
        ciphers: fc.constant('ALL'),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(options, async (o) => {
        expect(await againstUntrusted(o)).toBe(false);
      }),
      { numRuns: 40, seed: 3 },
    );
    expect(await againstUntrusted({ dangerouslyDisableVerification: true })).toBe(true);
  });

  it('an inherited dangerouslyDisableVerification (a polluted prototype) does not turn verification off', async () => {
    const options = Object.create({ dangerouslyDisableVerification: true }) as object;
    Object.assign(options, { ca: certs.ca, servername: 'localhost' });
    expect(await againstUntrusted(options)).toBe(false);
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
