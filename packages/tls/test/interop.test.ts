import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { EOF, type Flow } from '@flowkit/flow-types';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { connect, listen } from '../src/index.js';
import { type CertMatrix, makeCertMatrix } from './support/certs.js';

let m: CertMatrix;
let files: { root: string; chain: string; key: string; inter: string };
beforeAll(() => {
  m = makeCertMatrix();
  files = {
    root: join(m.dir, 'root.pem'),
    chain: join(m.dir, 'chain.pem'),
    key: join(m.dir, 'good.key'),
    inter: join(m.dir, 'inter.pem'),
  };
  writeFileSync(files.chain, m.good.chain);
});
afterAll(() => m.cleanup());

/** Spawns openssl; killed and awaited when the test ends. Collects stdout. */
function openssl(args: string[]): {
  child: ChildProcess;
  stdout: () => Buffer;
  exited: Promise<number | null>;
} {
  const child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  child.stdout!.on('data', (d: Buffer) => out.push(d));
  child.stderr!.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  return { child, stdout: () => Buffer.concat(out), exited };
}

/** `openssl s_server` serving one connection on 127.0.0.1:`port` with the good chain. */
function sServer(port: number, extra: string[] = []): ReturnType<typeof openssl> {
  return openssl([
    's_server',
    '-quiet',
    '-naccept',
    '1',
    '-accept',
    `127.0.0.1:${port}`,
    '-cert',
    files.chain,
    // s_server sends only the first certificate of -cert; the intermediate goes here.
    '-cert_chain',
    files.inter,
    '-key',
    files.key,
    ...extra,
  ]);
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

async function readBytes(flow: Flow, n: number): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  let got = 0;
  for (let i = 0; i < 100_000 && got < n; i++) {
    const r = await flow.read();
    if (!r.ok) throw new Error(r.error.message);
    if (r.value === EOF) break;
    parts.push(r.value);
    got += r.value.length;
  }
  return Buffer.concat(parts);
}

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

const versions = [
  ['TLSv1.2', '-tls1_2'],
  ['TLSv1.3', '-tls1_3'],
] as const;

describe('interop with the openssl CLI', () => {
  for (const [version, flag] of versions) {
    it(`our client ↔ openssl s_server (${version}, ALPN): byte-exact both ways`, async () => {
      const port = await freePort();
      const server = sServer(port, [flag, '-alpn', 'flowkit-test']);
      let flow: Awaited<ReturnType<typeof connect>> | undefined;
      for (let i = 0; i < 100; i++) {
        flow = await connect({
          host: '127.0.0.1',
          port,
          servername: 'localhost',
          ca: m.root.cert,
          alpnProtocols: ['flowkit-test'],
        });
        if (flow.ok || flow.error.type !== 'refused') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      if (flow === undefined || !flow.ok)
        throw new Error(`connect: ${flow?.ok === false ? flow.error.message : '?'}`);
      const f = flow.value;
      expect(f.protocol).toBe(version);
      expect(f.alpnProtocol).toBe('flowkit-test');
      const up = randomBytes(200_000);
      expect((await f.write(up)).ok).toBe(true);
      const down = randomBytes(50_000);
      server.child.stdin!.write(down);
      const got = await readBytes(f, down.length);
      expect(got.equals(down)).toBe(true);
      await waitFor(() => server.stdout().length >= up.length);
      expect(server.stdout().equals(up)).toBe(true);
      f.abort();
    });

    it(`openssl s_client → our listener (${version}, ALPN): byte-exact both ways`, async () => {
      const l = await listen({
        host: '127.0.0.1',
        port: 0,
        cert: m.good.chain,
        key: m.good.key,
        alpnProtocols: ['flowkit-test'],
      });
      if (!l.ok) throw new Error(l.error.message);
      onTestFinished(() => l.value.close());
      writeFileSync(files.root, m.root.cert);
      const client = openssl([
        's_client',
        '-quiet',
        '-connect',
        `127.0.0.1:${l.value.address.port}`,
        '-servername',
        'localhost',
        '-CAfile',
        files.root,
        '-verify_return_error',
        flag,
        '-alpn',
        'flowkit-test',
      ]);
      const accepted = await l.value.accept();
      if (!accepted.ok) throw new Error(accepted.error.message);
      const f = accepted.value;
      expect(f.protocol).toBe(version);
      expect(f.alpnProtocol).toBe('flowkit-test');
      const up = randomBytes(100_000);
      client.child.stdin!.write(up);
      const got = await readBytes(f, up.length);
      expect(got.equals(up)).toBe(true);
      const down = randomBytes(150_000);
      expect((await f.write(down)).ok).toBe(true);
      // close_notify makes s_client exit, with its stdin still open.
      const closing = f.close({ signal: AbortSignal.timeout(5_000) });
      let timer: NodeJS.Timeout | undefined;
      const exit = await Promise.race([
        client.exited.then((code) => `exited ${code}`),
        new Promise<string>((resolve) => {
          timer = setTimeout(() => resolve('still running after 5 s'), 5_000);
        }),
      ]);
      clearTimeout(timer);
      expect(exit).toBe('exited 0');
      expect(client.stdout().equals(down)).toBe(true);
      client.child.stdin!.end();
      await closing;
    });
  }

  it('a real peer that dies without close_notify is reported as truncated, not EOF', async () => {
    const port = await freePort();
    const server = sServer(port);
    let flow: Awaited<ReturnType<typeof connect>> | undefined;
    for (let i = 0; i < 100; i++) {
      flow = await connect({ host: '127.0.0.1', port, servername: 'localhost', ca: m.root.cert });
      if (flow.ok || flow.error.type !== 'refused') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    if (flow === undefined || !flow.ok) throw new Error('connect failed');
    server.child.stdin!.write('last words');
    const got = await readBytes(flow.value, 10);
    expect(got.toString()).toBe('last words');
    // SIGKILL: the kernel closes the TCP connection (FIN); OpenSSL never sends close_notify.
    server.child.kill('SIGKILL');
    const r = await flow.value.read();
    expect(r.ok ? 'ok' : r.error.type).toBe('truncated');
    flow.value.abort();
  });
});
