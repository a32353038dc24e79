// Prints the one line CI reads, `N passed, N failed, N skipped`, from vitest's
// JSON report, and exits non-zero when anything failed. Plain .mjs so it runs
// even when the install did not.
//
// The JSON report alone can say "success" when the run failed (seen on vitest
// 4.1): a worker killed by SIGKILL leaves its tests `pending` and the file
// `passed`; an unhandled error is not in the report at all. So the line also
// counts, each as a failure:
// - a test that never finished (its worker died under it);
// - each unhandled error, from tooling/ci/errors-reporter.mjs's file;
// - a `*.test.ts` on disk that is in no file of the report: no vitest project
//   owns it (or its worker died before it reported anything);
// - a non-zero vitest exit when nothing above explains it;
// - each failed CI step named on the command line (lint…).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const usage =
  'usage: summary.mjs REPORT [--vitest-exit N] [--errors FILE] [--root DIR] [FAILED_STEP…]\n' +
  '  --errors defaults to vitest-errors.json beside REPORT; --root (where test files are looked for) to the cwd';

function parse(argv) {
  const args = { report: '.reports/vitest.json', vitestExit: 0, errors: undefined, root: '.', steps: [] };
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--vitest-exit' || flag === '--errors' || flag === '--root') {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${flag} needs a value`);
      if (flag === '--vitest-exit') {
        args.vitestExit = Number(value);
        if (!Number.isInteger(args.vitestExit)) throw new Error(`--vitest-exit: not an exit code: ${value}`);
      } else if (flag === '--errors') args.errors = value;
      else args.root = value;
    } else positional.push(flag);
  }
  if (positional.length > 0) args.report = positional.shift();
  args.steps = positional;
  args.errors ??= join(dirname(args.report), 'vitest-errors.json');
  return args;
}

// Directories that hold no test of ours: dependencies, build output, caches,
// and Stryker's sandbox copies of the packages.
const skipDirs = new Set(['node_modules', '.git', 'dist', '.turbo', '.reports', '.stryker-tmp', 'reports']);

// Test files the workspace's vitest must not run, each with where it runs
// instead (paths from the root). Anything else unrun counts as a failure.
const runElsewhere = {
  'tooling/release/consumer/tcp.conformance.test.ts':
    "copied into a fresh consumer project by tooling/release/consumer.ts, run by that project's vitest",
};

/** Every `*.test.ts` under `root`, as absolute paths. */
function testFilesOnDisk(root) {
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!skipDirs.has(entry.name)) walk(join(dir, entry.name));
      } else if (entry.name.endsWith('.test.ts')) found.push(join(dir, entry.name));
    }
  };
  walk(resolve(root));
  return found.sort();
}

let args;
try {
  args = parse(process.argv.slice(2));
} catch (error) {
  console.log(`summary: ${error.message}\n${usage}`);
  process.exit(2);
}

const problems = [];
let report;
try {
  report = JSON.parse(readFileSync(args.report, 'utf8'));
} catch (error) {
  problems.push(`no vitest report at ${args.report} (${error.code ?? error.message})`);
  report = {};
}

const passed = report.numPassedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
let failed = report.numFailedTests ?? 0;
const files = report.testResults ?? [];

// A file that failed to load, a leak check in afterAll: the file failed
// without a failed test.
for (const file of files) {
  const tests = file.assertionResults ?? [];
  if (file.status === 'failed' && tests.every((t) => t.status !== 'failed'))
    problems.push(`${file.name} failed outside its tests: ${file.message ?? ''}`);
  // vitest marks skipped tests `skipped`/`todo`; `pending` is a test that
  // started or was queued and never finished: its worker died.
  const unfinished = tests.filter((t) => t.status === 'pending');
  for (const t of unfinished) problems.push(`${file.name}: never finished (worker crashed?): ${t.fullName}`);
}

if (existsSync(args.errors)) {
  let errors;
  try {
    errors = JSON.parse(readFileSync(args.errors, 'utf8'));
  } catch (error) {
    errors = { unhandledErrors: [{ message: `unreadable ${args.errors}: ${error.message}` }] };
  }
  for (const e of errors.unhandledErrors ?? [])
    problems.push(`unhandled error: ${e.message ?? e.name ?? '?'}`);
  if (errors.reason !== undefined && errors.reason !== 'passed' && errors.reason !== 'failed')
    problems.push(`vitest run ended: ${errors.reason}`);
}

if (report.testResults !== undefined) {
  const reported = new Set(files.map((f) => resolve(f.name)));
  try {
    const elsewhere = new Set(Object.keys(runElsewhere).map((path) => resolve(args.root, path)));
    for (const path of testFilesOnDisk(args.root)) {
      if (reported.has(path)) continue;
      if (elsewhere.has(path)) console.log(`summary: not run here, by design: ${path}`);
      else problems.push(`${path}: not run by any vitest project (no project includes it)`);
    }
  } catch (error) {
    problems.push(`cannot list test files under ${args.root}: ${error.message}`);
  }
}

failed += problems.length;
for (const step of args.steps) {
  console.log(`summary: step failed: ${step}`);
  failed += 1;
}
if (args.vitestExit !== 0 && failed === 0) {
  problems.push(`vitest exited ${args.vitestExit} and its report shows no failure`);
  failed = 1;
}
for (const p of problems) console.log(`summary: ${p}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
