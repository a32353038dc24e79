import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const scratch = mkdtempSync(join(tmpdir(), 'flowkit-ci-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function run(
  file: string,
  args: string[],
  cwd = root,
): Promise<{ code: number; out: string; stdout: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [file, ...args], { cwd, timeout: 90_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, out: `${stdout}${stderr}`, stdout });
    });
  });
}

/** The summary over a hand-made report, looking for test files in an empty directory. */
function summarize(report: unknown, ...steps: string[]) {
  const dir = mkdtempSync(join(scratch, 'report-'));
  writeFileSync(join(dir, 'vitest.json'), JSON.stringify(report));
  return run(join(root, 'tooling/ci/summary.mjs'), ['vitest.json', ...steps], dir);
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
    expect(r.out.trim().split('\n').at(-1)).toBe('0 passed, 1 failed, 0 skipped');
    expect(r.code).toBe(1);
  });
});

const vitest = join(root, 'node_modules/vitest/vitest.mjs');
const fixtures = join(here, 'fixtures/summary');

/**
 * Runs REAL vitest (the pinned one, forks pool) on a scratch workspace: each
 * `owned` fixture becomes `owned/<name>.test.ts` (the only files its one
 * project includes), each `orphans` fixture `elsewhere/<name>.test.ts` (a test
 * file no project includes). Then runs the summary over that workspace the way
 * .ci/run does, and returns vitest's exit code and the summary's line and code.
 */
async function ciRun(owned: string[], orphans: string[] = []) {
  const dir = mkdtempSync(join(scratch, 'ws-'));
  for (const [sub, names] of [
    ['owned', owned],
    ['elsewhere', orphans],
  ] as const) {
    mkdirSync(join(dir, sub), { recursive: true });
    for (const name of names)
      copyFileSync(join(fixtures, `${name}.fixture.ts`), join(dir, sub, `${name}.test.ts`));
  }
  writeFileSync(
    join(dir, 'vitest.config.mjs'),
    "export default { test: { include: ['owned/**/*.test.ts'], pool: 'forks', testTimeout: 10000 } };\n",
  );
  const v = await run(
    vitest,
    [
      'run',
      '--config',
      'vitest.config.mjs',
      '--reporter=json',
      '--outputFile.json=.reports/vitest.json',
      `--reporter=${join(root, 'tooling/ci/errors-reporter.mjs')}`,
    ],
    dir,
  );
  const s = await run(
    join(root, 'tooling/ci/summary.mjs'),
    ['.reports/vitest.json', '--vitest-exit', String(v.code)],
    dir,
  );
  return { vitestCode: v.code, line: s.out.trim().split('\n').at(-1), out: s.out, code: s.code };
}

// Each case spawns vitest once (about 1 s of CPU); 30 s bounds each spawn.
describe('CI summary line over real vitest runs', () => {
  it('a clean run: passed and skipped counted, exit 0', async () => {
    const r = await ciRun(['passing']);
    expect(r.vitestCode).toBe(0);
    expect(r.line).toBe('1 passed, 0 failed, 1 skipped');
    expect(r.code).toBe(0);
  }, 120_000);

  it('a failing test counts once', async () => {
    const r = await ciRun(['passing', 'failing']);
    expect(r.vitestCode).toBe(1);
    expect(r.line).toBe('2 passed, 1 failed, 1 skipped');
    expect(r.code).toBe(1);
  }, 120_000);

  it('a worker killed by SIGKILL fails its unfinished tests (the report says success)', async () => {
    const r = await ciRun(['passing', 'killed']);
    expect(r.vitestCode).not.toBe(0);
    // Two tests never finished, and vitest's "Worker exited unexpectedly" is one unhandled error.
    expect(r.out).toContain('never finished');
    expect(r.line).toBe('1 passed, 3 failed, 1 skipped');
    expect(r.code).toBe(1);
  }, 120_000);

  it('an unhandled rejection counts as a failure though every test passed', async () => {
    const r = await ciRun(['unhandled']);
    expect(r.vitestCode).not.toBe(0);
    expect(r.out).toContain('unhandled error: nobody handles this rejection');
    expect(r.line).toBe('2 passed, 1 failed, 0 skipped');
    expect(r.code).toBe(1);
  }, 120_000);

  it('a test file no project includes counts as a failure', async () => {
    const r = await ciRun(['passing'], ['passing']);
    expect(r.vitestCode).toBe(0);
    expect(r.out).toMatch(/elsewhere\/passing\.test\.ts: not run by any vitest project/);
    expect(r.line).toBe('1 passed, 1 failed, 1 skipped');
    expect(r.code).toBe(1);
  }, 120_000);

  it('a non-zero vitest exit that the reports do not explain counts as a failure', async () => {
    const dir = mkdtempSync(join(scratch, 'exit-'));
    writeFileSync(
      join(dir, 'vitest.json'),
      JSON.stringify({ success: true, numPassedTests: 1, testResults: [] }),
    );
    const r = await run(join(root, 'tooling/ci/summary.mjs'), ['vitest.json', '--vitest-exit', '1'], dir);
    expect(r.out).toContain('vitest exited 1');
    expect(r.out.trim().split('\n').at(-1)).toBe('1 passed, 1 failed, 0 skipped');
    expect(r.code).toBe(1);
  });
});

describe('the repository itself', () => {
  it('every *.test.ts outside node_modules belongs to a vitest project', async () => {
    const r = await run(vitest, ['list', '--filesOnly', '--json'], root);
    expect(r.code).toBe(0);
    const listed = new Set(
      (JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as { file: string }[]).map((f) => resolve(f.file)),
    );
    const report = join(scratch, 'listed.json');
    writeFileSync(report, JSON.stringify({ testResults: [...listed].map((name) => ({ name })) }));
    const s = await run(
      join(root, 'tooling/ci/summary.mjs'),
      [report, '--errors', join(scratch, 'none')],
      root,
    );
    expect(s.out).not.toContain('not run by any vitest project');
    expect(s.code).toBe(0);
  }, 120_000);
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
