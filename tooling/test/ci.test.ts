import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const scratch = mkdtempSync(join(tmpdir(), 'flowkit-ci-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function run(file: string, args: string[], cwd = root): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [file, ...args], { cwd, timeout: 90_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, out: `${stdout}${stderr}` });
    });
  });
}

function summarize(report: unknown, ...steps: string[]) {
  const path = join(scratch, `report-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(report));
  return run(join(root, 'tooling/ci/summary.mjs'), [path, ...steps]);
}

const file = (status: string, tests: string[]) => ({
  name: '/x.test.ts',
  status,
  message: status === 'failed' ? 'boom' : '',
  assertionResults: tests.map((s) => ({ status: s })),
});

describe('CI summary line', () => {
  it('counts passed, failed and skipped tests from the JSON report', async () => {
    const r = await summarize({
      success: false,
      numPassedTests: 5,
      numFailedTests: 2,
      numPendingTests: 1,
      numTodoTests: 1,
      testResults: [file('failed', ['passed', 'failed'])],
    });
    expect(r.out.trim().split('\n').at(-1)).toBe('5 passed, 2 failed, 2 skipped');
    expect(r.code).toBe(1);
  });

  it('exits 0 only when nothing failed', async () => {
    const r = await summarize({ success: true, numPassedTests: 3, numFailedTests: 0, testResults: [] });
    expect(r.out.trim().split('\n').at(-1)).toBe('3 passed, 0 failed, 0 skipped');
    expect(r.code).toBe(0);
  });

  it('counts a file that failed outside its tests (a leak, a load error)', async () => {
    const r = await summarize({
      success: false,
      numPassedTests: 1,
      numFailedTests: 0,
      testResults: [file('failed', ['passed'])],
    });
    expect(r.out.trim().split('\n').at(-1)).toBe('1 passed, 1 failed, 0 skipped');
    expect(r.code).toBe(1);
  });

  it('counts a failed CI step such as lint', async () => {
    const r = await summarize(
      { success: true, numPassedTests: 1, numFailedTests: 0, testResults: [] },
      'lint',
    );
    expect(r.out).toContain('step failed: lint');
    expect(r.out.trim().split('\n').at(-1)).toBe('1 passed, 1 failed, 0 skipped');
    expect(r.code).toBe(1);
  });

  it('fails when the report is missing', async () => {
    const r = await run(join(root, 'tooling/ci/summary.mjs'), [join(scratch, 'nope.json')]);
    expect(r.out.trim().split('\n').at(-1)).toBe('0 passed, 1 failed');
    expect(r.code).toBe(1);
  });
});

describe('leak check', () => {
  it('fails a test file that leaves a server, a socket and a timer open', async () => {
    const vitest = join(root, 'node_modules/vitest/vitest.mjs');
    const r = await run(vitest, ['run', '--config', 'vitest.leaky.config.ts'], join(here, 'fixtures'));
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/test file leaked handles: .*TCPServerWrap/);
    expect(r.out).toMatch(/test file leaked handles: .*TCPSocketWrap/);
    expect(r.out).toMatch(/Timeout/);
  }, 120_000);
});
