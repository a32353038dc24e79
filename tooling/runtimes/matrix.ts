// The runtime matrix, `pnpm runtimes:check` (CI) and `pnpm runtimes:update`:
// every runtime of runtimes.ts (installed from npm) runs the conformance
// suites of memory, tcp, unix and tls through the runner-neutral core
// (suite.ts) against the BUILT packages, and each package's README example.
// `update` rewrites the README's marked table; `check` fails when a verdict
// (pass/fail of a suite or an example) differs from the one the README
// declares. Options: --runtimes "Node 22,Bun" --packages tcp,tls.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeExit, run, tail } from '../release/exec.js';
import { makeCertificates } from '../tour/certs.js';
import { runInBrowser } from './browser.js';
import {
  type CellReport,
  LOAD_ERROR_PREFIX,
  type MatrixPackage,
  PACKAGES,
  REPORT_PREFIX,
  SKIPPED_TOPICS,
  TLS_ENV,
} from './cell.js';
import { installRuntime, RUNTIMES, type Runtime } from './runtimes.js';
import {
  type CellResult,
  declaredVerdicts,
  renderSection,
  type Verdicts,
  verdictChanges,
  verdicts,
  withSection,
} from './table.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const readmePath = join(root, 'README.md');
const suiteFile = 'tooling/runtimes/suite.ts';
/** The node:net repro behind tcp's refusal of Deno (packages/tcp/README.md, Runtimes). */
const TCP_REPRO = 'tooling/runtimes/repro/accepted-write-vs-eof.mjs';

/**
 * Cells run two at a time, one per core of the CI machine: each cell is one
 * process, and the suite's deadlines (20 s a case) leave room for a shared
 * core. FLOWKIT_MATRIX_JOBS=1 runs them one by one.
 */
const JOBS = Number(process.env.FLOWKIT_MATRIX_JOBS ?? 2);

/** Runs `body` over `items` with at most `limit` running at once. */
async function pool<T>(items: readonly T[], limit: number, body: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await body(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
}

/** The rows of the other runners: tcp's cases under node:test (on this Node), memory's and combinators' in Chromium. */
const NODE_TEST = 'node:test';
const CHROMIUM_ROW = 'Chromium (headless)';

/**
 * Each package's README example, and a line its output must hold; `not` names
 * runtimes the example is not for, and why (the cell then shows no example).
 */
const EXAMPLES: Record<
  MatrixPackage,
  {
    readonly file: string;
    readonly expect: string;
    readonly not?: Partial<Record<Runtime['kind'], string>>;
  }
> = {
  memory: { file: 'examples/echo.ts', expect: '-> hello, flow' },
  tcp: { file: 'examples/echo.ts', expect: 'echoed: hello over tcp' },
  unix: { file: 'examples/echo.ts', expect: 'echoed: hello over a unix socket' },
  tls: { file: 'examples/over-memory.ts', expect: 'hello over TLS over memory' },
  websocket: {
    file: 'examples/echo.ts',
    expect: 'echo: hello over a WebSocket flow',
    // Deno resolves @flowkit/websocket to the platform-WebSocket client: the example's listen() is Node's.
    not: { deno: 'a server example; Deno gets the client-only entry' },
  },
};

/** How `rt` runs a TypeScript file: Node through tsx (20.11 cannot strip types), Deno and Bun natively. */
function command(rt: Runtime, bin: string, file: string, args: readonly string[]): [string, string[]] {
  switch (rt.kind) {
    case 'node':
      return [bin, ['--import', 'tsx', file, ...args]];
    case 'deno':
      // Sloppy imports: our sources import './x.js' for './x.ts', as tsc wants.
      return [bin, ['run', '-A', '--unstable-sloppy-imports', file, ...args]];
    case 'bun':
      return [bin, [file, ...args]];
  }
}

function option(name: string): string[] | undefined {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : (process.argv[i + 1] ?? '').split(',').filter((s) => s !== '');
}

async function main(): Promise<number> {
  const mode = process.argv[2];
  if (mode !== 'check' && mode !== 'update') {
    console.error('usage: matrix.ts check|update [--runtimes a,b] [--packages x,y]');
    return 2;
  }
  const wantedRuntimes = option('--runtimes');
  const wanted = (id: string) => wantedRuntimes?.includes(id) ?? true;
  const runtimes = RUNTIMES.filter((r) => wanted(r.id));
  const wantedPackages = option('--packages');
  const packages = PACKAGES.filter((p) => wantedPackages?.includes(p) ?? true);
  const started = performance.now();

  const [bins] = await Promise.all([
    Promise.all(runtimes.map((rt) => installRuntime(rt))),
    (async () => {
      const built = await run('npx', ['-y', 'pnpm@12.4.2', 'build'], { cwd: root, timeoutMs: 300_000 });
      // A failed declaration build still leaves dist/*.js, which is what runs
      // here; say so, and let the cells show what works.
      if (built.code !== 0)
        console.log(
          `matrix: build ${describeExit(built)}; running what dist/ holds\n${tail(built.output, 8)}`,
        );
    })(),
  ]);
  console.log(`matrix: runtimes installed and packages built in ${seconds(performance.now() - started)}`);

  const certs = await makeCertificates();
  const tlsDir = mkdtempSync(join(tmpdir(), 'flowkit-matrix-tls-'));
  writeFileSync(join(tlsDir, 'ca.pem'), certs.ca);
  writeFileSync(join(tlsDir, 'server.pem'), certs.cert);
  writeFileSync(join(tlsDir, 'server.key'), certs.key);
  // DENO_CERT: Deno's own TLS (its platform WebSocket, which takes no `ca`) trusts the test CA too.
  const env = {
    [TLS_ENV]: JSON.stringify(certs),
    TLS_DIR: tlsDir,
    DENO_NO_UPDATE_CHECK: '1',
    DENO_CERT: join(tlsDir, 'ca.pem'),
  };

  const cells: CellResult[] = [];
  const remeasured: string[] = [];
  const record = (cell: CellResult, t0: number) => {
    cells.push(cell);
    const { suite, example } = cell;
    const parts: string[] = [];
    if (suite?.refused !== undefined) parts.push(`refused: ${suite.refused}`);
    else if (suite !== undefined) {
      const crash = suite.crashed === undefined ? '' : ` (did not finish: ${suite.crashed})`;
      parts.push(`${suite.passed} passed, ${suite.failed} failed, ${suite.skipped} skipped${crash}`);
      parts.push(`leak check ${suite.leakCheck}`);
    }
    if (example !== undefined)
      parts.push(`example ${example.ok ? 'ok' : example.refused ? 'refused' : 'FAILED'}`);
    console.log(
      `matrix: ${cell.runtime} × ${cell.package}: ${parts.join(', ')} (${seconds(performance.now() - t0)})`,
    );
    for (const f of suite?.failures ?? []) console.log(`         ${f.split('\n')[0]}`);
    if (example?.ok === false && !example.refused) console.log(`         example: ${example.detail}`);
  };
  const chromiumCells = async (): Promise<void> => {
    const t0 = performance.now();
    const report = await runInBrowser();
    for (const pkg of ['memory', 'combinators']) {
      const got = report.cells?.find((c) => c.package === pkg);
      const suite =
        got === undefined
          ? {
              passed: 0,
              failed: 0,
              skipped: 0,
              leakCheck: 'n/a',
              failures: [],
              crashed: report.error ?? 'no report',
            }
          : { ...got };
      record({ runtime: CHROMIUM_ROW, package: pkg, suite }, t0);
    }
  };
  try {
    // Every cell is one job, the node:test and Chromium rows too: the longest
    // (Chromium, then tls) start first, so no single job runs alone at the end.
    const jobs: (() => Promise<void>)[] = [];
    if (wanted(CHROMIUM_ROW)) jobs.push(chromiumCells);
    const suites = runtimes.flatMap((rt, i) => packages.map((pkg) => ({ rt, bin: bins[i] as string, pkg })));
    const slow = (pkg: MatrixPackage) => (pkg === 'tls' || pkg === 'websocket' ? 0 : 1);
    suites.sort((x, y) => slow(x.pkg) - slow(y.pkg));
    for (const { rt, bin, pkg } of suites) {
      jobs.push(async () => {
        const t0 = performance.now();
        const [cmd, args] = command(rt, bin, suiteFile, [pkg]);
        const ran = await run(cmd, args, { cwd: root, env, timeoutMs: 300_000 });
        const suite = parseSuite(ran.output, describeExit(ran));
        const example =
          EXAMPLES[pkg].not?.[rt.kind] === undefined ? await runExample(rt, bin, pkg, env) : undefined;
        record({ runtime: rt.id, package: pkg, suite, ...(example === undefined ? {} : { example }) }, t0);
      });
    }
    if (wanted(NODE_TEST) && packages.includes('tcp')) {
      jobs.push(async () => {
        const t0 = performance.now();
        const ran = await run(
          process.execPath,
          ['--import', 'tsx', '--test', '--test-reporter=tap', 'tooling/runtimes/node-test.ts'],
          { cwd: root, env, timeoutMs: 300_000 },
        );
        record({ runtime: NODE_TEST, package: 'tcp', suite: parseTap(ran.output, describeExit(ran)) }, t0);
      });
    }
    await pool(jobs, JOBS, (job) => job());
    // A refusal stays true only as long as its cause: re-run tcp's Deno repro
    // (node:net alone) wherever tcp was refused, and say what it found.
    for (const cell of cells.filter((c) => c.package === 'tcp' && c.suite?.refused !== undefined)) {
      const i = runtimes.findIndex((r) => r.id === cell.runtime);
      const rt = runtimes[i];
      if (rt === undefined) continue;
      const [cmd, args] = command(rt, bins[i] as string, TCP_REPRO, []);
      const ran = await run(cmd, args, { cwd: root, env, timeoutMs: 60_000 });
      const verdict = /^(kept|lost): .*$/m.exec(ran.output)?.[0] ?? `did not finish: ${describeExit(ran)}`;
      remeasured.push(`${cell.runtime}, tcp listen refusal re-measured (\`${TCP_REPRO}\`): ${verdict}.`);
      console.log(`matrix: ${cell.runtime} × tcp refusal: ${verdict}`);
      if (verdict.startsWith('kept'))
        console.log(
          `matrix: ${cell.runtime} may no longer need tcp's listen refusal: re-measure and lift it`,
        );
    }
  } finally {
    rmSync(tlsDir, { recursive: true, force: true });
  }

  // Cells finish out of order: put them back in table order.
  const rows = [...RUNTIMES.map((r) => r.id), NODE_TEST, CHROMIUM_ROW];
  const columns: string[] = [...PACKAGES, 'combinators'];
  const order = (c: CellResult) => rows.indexOf(c.runtime) * 100 + columns.indexOf(c.package);
  cells.sort((a, b) => order(a) - order(b));
  mkdirSync(join(root, '.reports'), { recursive: true });
  writeFileSync(join(root, '.reports', 'runtimes.json'), `${JSON.stringify(cells, null, 2)}\n`);
  console.log(`matrix: ${cells.length} cells in ${seconds(performance.now() - started)}`);

  const readme = readFileSync(readmePath, 'utf8');
  if (mode === 'update') {
    writeFileSync(readmePath, withSection(readme, renderSection(cells, [...notes(cells), ...remeasured])));
    console.log('matrix: README.md table updated');
    return 0;
  }
  const declared = declaredVerdicts(readme);
  if (declared === undefined) {
    console.log('matrix: README.md has no runtime table; run `pnpm runtimes:update`');
    return 1;
  }
  const ran = [...new Set(cells.map((c) => c.runtime))];
  const changes = verdictChanges(only(declared, ran, [...packages, 'combinators']), verdicts(cells));
  for (const change of changes) console.log(`matrix: ${change}`);
  if (changes.length > 0)
    console.log('matrix: the README table is stale: fix the regression or run `pnpm runtimes:update`');
  else console.log('matrix: every verdict matches the README table');
  return changes.length === 0 ? 0 : 1;
}

/** The declared verdicts of the runtimes and packages this run covered. */
function only(declared: Verdicts, runtimes: readonly string[], packages: readonly string[]): Verdicts {
  const out: Verdicts = {};
  for (const id of runtimes) {
    const row = declared[id];
    if (row === undefined) continue;
    out[id] = Object.fromEntries(Object.entries(row).filter(([p]) => packages.includes(p)));
  }
  return out;
}

/** node's TAP summary (`# pass N`…) and its `not ok` lines. */
function parseTap(output: string, exit: string): NonNullable<CellResult['suite']> {
  const count = (name: string) =>
    Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(output)?.[1] ?? Number.NaN);
  const passed = count('pass');
  if (Number.isNaN(passed)) {
    return {
      passed: 0,
      failed: 0,
      skipped: 0,
      leakCheck: 'n/a',
      failures: [],
      crashed: `${exit}: ${tail(output, 3)}`,
    };
  }
  const failures = [...output.matchAll(/^\s*not ok \d+ - (.*)$/gm)].map((m) => m[1] ?? '');
  return {
    passed,
    failed: count('fail') + count('cancelled'),
    skipped: count('skipped'),
    leakCheck: 'on',
    // The describe block fails with its tests: list the tests only.
    failures: failures.filter((f) => !f.startsWith('tcp')),
  };
}

function notes(cells: readonly CellResult[]): string[] {
  const versions = RUNTIMES.map((r) => `${r.id} = \`${r.npm.name}@${r.npm.version}\``).join(', ');
  // The leak check is asked for everywhere; where it cannot run, say so per runtime.
  const blind = new Map<string, string>();
  for (const c of cells) {
    const leak = c.suite?.leakCheck ?? '';
    if (leak.startsWith('unavailable')) blind.set(c.runtime, leak.replace(/^unavailable: /, ''));
  }
  return [
    `Cells count conformance cases (through \`@flowkit/conformance/core\`, built packages, leak check on;`,
    `the ${SKIPPED_TOPICS.join(', ')} topic runs in each package's own tests, not here) and`,
    `run the package's README example. Runtimes come from npm: ${versions}.`,
    ...[...blind].map(([runtime, why]) => `The leak check is unavailable on ${runtime}: ${why}.`),
  ];
}

function parseSuite(output: string, exit: string): NonNullable<CellResult['suite']> {
  const lines = output.split('\n');
  const line = lines.find((l) => l.startsWith(REPORT_PREFIX));
  const loadError = lines.find((l) => l.startsWith(LOAD_ERROR_PREFIX));
  if (loadError !== undefined) {
    const why = `does not load: ${loadError.slice(LOAD_ERROR_PREFIX.length)}`;
    return { passed: 0, failed: 0, skipped: 0, leakCheck: 'n/a', failures: [], crashed: why };
  }
  if (line === undefined) {
    return {
      passed: 0,
      failed: 0,
      skipped: 0,
      leakCheck: 'n/a',
      failures: [],
      crashed: `${exit}: ${tail(output, 3)}`,
    };
  }
  const report = JSON.parse(line.slice(REPORT_PREFIX.length)) as CellReport;
  return {
    passed: report.passed,
    failed: report.failed,
    skipped: report.skipped,
    leakCheck: report.leakCheck,
    failures: report.failures,
    ...(report.refused === undefined ? {} : { refused: report.refused }),
  };
}

async function runExample(
  rt: Runtime,
  bin: string,
  pkg: MatrixPackage,
  env: Record<string, string>,
): Promise<{ ok: boolean; refused?: boolean; detail: string }> {
  const { file, expect } = EXAMPLES[pkg];
  const [cmd, args] = command(rt, bin, file, []);
  const ran = await run(cmd, args, { cwd: join(root, 'packages', pkg), env, timeoutMs: 60_000 });
  if (ran.code === 0 && ran.output.includes(expect)) return { ok: true, detail: `printed "${expect}"` };
  // The example stopped on the package's refusal of this runtime: a declared limit, not a failure.
  const refusal = /unsupported-runtime: (.*)/.exec(ran.output)?.[1];
  if (refusal !== undefined) return { ok: false, refused: true, detail: refusal };
  return {
    ok: false,
    detail: `${describeExit(ran)}; expected "${expect}": ${tail(ran.output, 3).replaceAll('\n', ' ')}`,
  };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

process.exit(await main());
