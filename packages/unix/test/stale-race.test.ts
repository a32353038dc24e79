import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { linkSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ListenError, Result } from '@flowkit/flow-types';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, listen, type UnixListener } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'flowkit-unix-race-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Leaves a dead socket file at `path`: bound, hard-linked, closed, put back. */
async function staleSocket(path: string): Promise<void> {
  const server = createServer();
  server.listen(path);
  await once(server, 'listening');
  linkSync(path, `${path}.keep`);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  renameSync(`${path}.keep`, path);
}

function outcome(r: Result<UnixListener, ListenError>): string {
  return r.ok ? 'ok' : r.error.type;
}

describe('replacing a stale socket is safe against a concurrent listen (issue 13)', () => {
  it('30 tries, 3 listens racing in this process on one stale path: exactly one wins, the others are in-use', async () => {
    for (let i = 0; i < 30; i++) {
      const path = join(dir, `r${i}.sock`);
      await staleSocket(path);
      const results = await Promise.all([listen({ path }), listen({ path }), listen({ path })]);
      const outcomes = results.map(outcome).sort();
      expect({ try: i, outcomes }).toEqual({ try: i, outcomes: ['in-use', 'in-use', 'ok'] });
      const winner = results.find((r) => r.ok);
      // The winner's socket is the live one at the path.
      const c = await connect({ path });
      expect(c.ok).toBe(true);
      if (c.ok) c.value.abort();
      if (winner?.ok) await winner.value.close();
    }
  });

  it('30 tries racing another process: exactly one of the two wins, the other is in-use', async () => {
    // The other process runs the same listen from source and reports its outcome.
    const source = fileURLToPath(new URL('../src/index.ts', import.meta.url));
    const child = join(dir, 'racer.mts');
    writeFileSync(
      child,
      `import { listen } from ${JSON.stringify(source)};
process.stdin.setEncoding('utf8');
let buffer = '';
process.stdin.on('data', async (d) => {
  buffer += d;
  let i;
  while ((i = buffer.indexOf('\\n')) >= 0) {
    const path = buffer.slice(0, i);
    buffer = buffer.slice(i + 1);
    const r = await listen({ path });
    process.stdout.write((r.ok ? 'ok' : r.error.type) + '\\n');
    if (r.ok) setTimeout(() => void r.value.close(), 300);
  }
});
process.stdin.on('end', () => setTimeout(() => process.exit(0), 400));
`,
    );
    const proc = spawn(process.execPath, ['--conditions=@flowkit/source', '--import', 'tsx', child], {
      stdio: ['pipe', 'pipe', 'inherit'],
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    });
    const exited = once(proc, 'exit');
    proc.stdout.setEncoding('utf8');
    const lines: string[] = [];
    let wake: (() => void) | undefined;
    proc.stdout.on('data', (d: string) => {
      lines.push(...d.split('\n').filter((l) => l !== ''));
      wake?.();
    });
    const next = async (): Promise<string> => {
      const deadline = Date.now() + 15_000;
      while (lines.length === 0) {
        if (Date.now() > deadline) throw new Error('the other process did not answer');
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 100);
        });
      }
      return lines.shift()!;
    };
    try {
      for (let i = 0; i < 30; i++) {
        const path = join(dir, `x${i}.sock`);
        await staleSocket(path);
        proc.stdin.write(`${path}\n`);
        const mine = await listen({ path });
        const theirs = await next();
        const outcomes = [outcome(mine), theirs].sort();
        expect({ try: i, outcomes }).toEqual({ try: i, outcomes: ['in-use', 'ok'] });
        if (mine.ok) await mine.value.close();
      }
    } finally {
      proc.stdin.end();
      await exited;
    }
  }, 60_000);
});
