import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeCerts, type TestCerts } from './support/certs.js';
import { flowcat, killAll, tempDir } from './support/run.js';

let tmp: ReturnType<typeof tempDir>;
let certs: TestCerts;
beforeAll(() => {
  tmp = tempDir();
  certs = makeCerts(tmp.dir);
});
afterEach(killAll);
afterAll(() => tmp.remove());

/** A TCP server on 127.0.0.1 that counts the connections it gets and closes them. */
async function countingServer(): Promise<{ port: number; count(): number; close(): Promise<void> }> {
  let n = 0;
  const server: Server = createServer((s) => {
    n += 1;
    s.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    count: () => n,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Runs flowcat to its exit; returns the status and stderr's lines. */
async function runToExit(...args: string[]): Promise<{ code: number; lines: string[]; stdout: string }> {
  const r = flowcat(...args);
  r.child.stdin!.end();
  const code = await r.exited;
  return { code, lines: r.stderr().trim().split('\n'), stdout: r.stdout().toString() };
}

describe('flowcat errors: exit status and one clear line', () => {
  it('a bad address exits 2 with one line naming it', async () => {
    const results = await Promise.all([
      runToExit('tcp:[::1:80'),
      runToExit('tcp-listen:0', 'udp:host:53'),
      runToExit('tcp:localhost'),
    ]);
    expect(results.map((r) => r.code)).toEqual([2, 2, 2]);
    expect(results.map((r) => r.lines)).toEqual([
      ['flowcat: invalid address "tcp:[::1:80": missing "]" after the IPv6 host'],
      [expect.stringMatching(/^flowcat: invalid address "udp:host:53": unknown kind "udp"/)],
      ['flowcat: invalid address "tcp:localhost": expected HOST:PORT'],
    ]);
  });

  it('a refused connection exits 3 with one line naming the address', async () => {
    const r = await runToExit('tcp:127.0.0.1:1');
    expect(r.code).toBe(3);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/^flowcat: tcp:127\.0\.0\.1:1: cannot connect: refused/);
  });

  it('--insecure warns even when the connection then fails, and a missing --ca file is a usage error', async () => {
    const [insecure, missing] = await Promise.all([
      runToExit('--insecure', 'tls:127.0.0.1:1'),
      runToExit('--ca', '/nonexistent/ca.pem', 'tls:127.0.0.1:1'),
    ]);
    expect(insecure.code).toBe(3);
    expect(insecure.lines[0]).toMatch(/^flowcat: warning: --insecure/);
    expect(insecure.lines[1]).toMatch(/^flowcat: tls:127\.0\.0\.1:1: cannot connect: refused/);
    expect(missing.code).toBe(2);
    expect(missing.lines).toEqual(['flowcat: --ca /nonexistent/ca.pem: cannot read the file (ENOENT)']);
  });

  it('a malformed unix address exits 2, not 3: "unix:@" and a path too long for a socket', async () => {
    const [abstract, long] = await Promise.all([
      runToExit('unix:@'),
      runToExit(`unix:/tmp/${'a'.repeat(200)}`),
    ]);
    expect(abstract.code).toBe(2);
    expect(abstract.lines).toEqual([
      'flowcat: invalid address "unix:@": empty abstract socket name after "@"',
    ]);
    // The transport refuses it (invalid-option): still the command line's fault.
    expect(long.code).toBe(2);
    expect(long.lines).toHaveLength(1);
    expect(long.lines[0]).toMatch(/cannot connect: invalid-option: path .* at most 10[78]/);
  });

  it('a --ca, --cert or --key file that holds no PEM exits 2 before any connection', async () => {
    const server = await countingServer();
    try {
      const junk = join(tmp.dir, 'junk.pem');
      writeFileSync(junk, 'this is not PEM\n');
      const empty = join(tmp.dir, 'empty.pem');
      writeFileSync(empty, '');
      const target = `tls:127.0.0.1:${server.port}`;
      const runs = await Promise.all([
        runToExit('--ca', junk, target),
        runToExit('--ca', empty, target),
        runToExit('--ca', certs.key, target), // a key where a certificate belongs
        runToExit('--cert', junk, '--key', certs.key, target),
        runToExit('--cert', certs.cert, '--key', certs.cert, target), // a certificate as the key
      ]);
      expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2, 2]);
      expect(runs.map((r) => r.lines.length)).toEqual([1, 1, 1, 1, 1]);
      expect(runs[0]!.lines[0]).toBe(
        `flowcat: --ca ${junk}: the file holds no PEM certificate ("-----BEGIN …-----" block)`,
      );
      expect(runs[4]!.lines[0]).toMatch(/--key .*: the file holds no PEM private key/);
      expect(server.count()).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('--help exits 0 and shows examples', async () => {
    const r = await runToExit('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('flowcat tcp-listen:9000 > received.bin');
  });
});
