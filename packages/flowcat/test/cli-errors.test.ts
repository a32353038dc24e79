import { afterEach, describe, expect, it } from 'vitest';
import { flowcat, killAll } from './support/run.js';

afterEach(killAll);

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

  it('--help exits 0 and shows examples', async () => {
    const r = await runToExit('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('flowcat tcp-listen:9000 > received.bin');
  });
});
