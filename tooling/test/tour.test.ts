import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const scratch = mkdtempSync(join(tmpdir(), 'flowkit-tour-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('pnpm start (the tour)', () => {
  it('cleans up its socket files and listeners on Ctrl-C and exits 130', async () => {
    // Node itself with tsx as a loader, not the tsx CLI: the CLI relays a
    // signal sent to it alone and SIGKILLs its child when the child does not
    // confirm within 30 ms, which a loaded CI machine missed (exit 130, no
    // cleanup). A terminal's Ctrl-C reaches the tour's process directly.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@flowkit/source', 'tooling/tour/main.ts'],
      {
        cwd: root,
        env: { ...process.env, TMPDIR: scratch },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    let interrupted = false;
    let sawSocketFile = false;
    // 'close', not 'exit': 'exit' can come before the last stderr bytes are read,
    // and the cleanup line is among the last the tour writes.
    const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr += text;
      // Interrupt while the unix row is running: its socket file exists now.
      if (!interrupted && /unix: (echo|bulk|round trips)/.test(stderr)) {
        sawSocketFile = readdirSync(scratch).some((d) => d.startsWith('flowkit-tour-'));
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    child.stdout.resume();
    const code = await exited;
    clearTimeout(killer);
    expect(interrupted, `the tour never reached the unix row:\n${stderr}`).toBe(true);
    expect(sawSocketFile).toBe(true);
    expect(code).toBe(130);
    expect(stderr).toContain('interrupted: cleaning up');
    // tsx keeps its own cache dir in TMPDIR; only the tour's must be gone.
    expect(readdirSync(scratch).filter((d) => d.startsWith('flowkit-tour-'))).toEqual([]);
  }, 90_000);
});
