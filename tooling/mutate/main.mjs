// `pnpm mutate`: Stryker on each package in turn (all of
// tooling/mutate/packages.mjs by default), then each package's mutation score;
// surviving mutants go to reports/mutation/<package>/survivors.txt beside the
// HTML report.
//
//   pnpm mutate [package…]            a full run; refreshes the committed
//                                     baseline tooling/mutate/baseline/<package>.json
//   pnpm mutate --mutate GLOBS pkg    a full run of some files only (Stryker's
//                                     --mutate); its score covers those files,
//                                     and the baseline is left alone
//   pnpm mutate --incremental [pkg…]  starts from the baseline: only mutants in
//                                     changed code, or covered by changed tests,
//                                     run again; the baseline is updated
//   pnpm mutate --check [pkg…]        the CI gate: --incremental from a copy of
//                                     the committed baseline (left unchanged);
//                                     fails when a package has no baseline, when
//                                     Stryker fails, or when a score is below
//                                     the target (or, for a package listed in
//                                     `floors`, below its floor)
//
// Exits non-zero if Stryker failed for any package (and, with --check, on a
// missing baseline or a score below the target).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { floors, mutated, target } from './packages.mjs';
import { belowTarget, gateFloor, score } from './score.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
const check = argv.includes('--check');
const incremental = argv.includes('--incremental');
const narrowAt = argv.indexOf('--mutate');
const narrow = narrowAt === -1 ? undefined : argv[narrowAt + 1];
if (narrowAt !== -1 && (narrow === undefined || incremental || check)) {
  console.error(
    'mutate: --mutate needs globs, and is not for --incremental or --check (its score covers some files)',
  );
  process.exit(2);
}
if (check && incremental) {
  console.error('mutate: --check is already incremental; give one of them');
  process.exit(2);
}
const known = new Set(['--check', '--incremental', '--mutate']);
for (const a of argv) {
  if (a.startsWith('--') && !known.has(a)) {
    console.error(`mutate: unknown flag ${a}`);
    process.exit(2);
  }
}
const names = argv.filter((a, i) => !a.startsWith('--') && (narrowAt === -1 || i !== narrowAt + 1));
for (const name of names) {
  if (!(name in mutated)) {
    console.error(`mutate: unknown package ${name}; one of: ${Object.keys(mutated).join(', ')}`);
    process.exit(2);
  }
}
const stryker = join(root, 'node_modules/@stryker-mutator/core/bin/stryker.js');
// Where the committed baselines are (stryker.config.mjs reads the same variable).
const baselines = resolve(root, process.env.FLOWKIT_MUTATE_BASELINES ?? 'tooling/mutate/baseline');

/** Stryker's arguments for one package in this mode, or a reason it cannot run. */
function strykerArgs(name) {
  const baseline = join(baselines, `${name}.json`);
  if (narrow !== undefined) return { args: ['--mutate', narrow] };
  // A full run is Stryker's incremental mode forced to run every mutant: it
  // writes the baseline the next --incremental or --check starts from.
  if (!incremental && !check) return { args: ['--incremental', '--force'] };
  if (incremental) return { args: ['--incremental'] };
  // --check: without a baseline Stryker would quietly make a full run (tens
  // of minutes); a package without one is not gated, and says so.
  if (!existsSync(baseline)) {
    return {
      reason: `no baseline (${relative(root, baseline)}): run \`pnpm mutate ${name}\`, commit it`,
    };
  }
  const copy = join(root, `reports/mutation/${name}/baseline.json`);
  mkdirSync(dirname(copy), { recursive: true });
  copyFileSync(baseline, copy);
  return { args: ['--incremental', '--incrementalFile', copy] };
}

const rows = [];
let failed = false;
for (const name of names.length > 0 ? names : Object.keys(mutated)) {
  const plan = strykerArgs(name);
  if (plan.reason !== undefined) {
    failed = true;
    rows.push({ name, seconds: 0, error: plan.reason });
    continue;
  }
  const started = performance.now();
  const json = join(root, `reports/mutation/${name}/mutation.json`);
  // A stale report must not stand in for a run that wrote none.
  if (existsSync(json)) writeFileSync(json, '');
  const run = spawnSync(process.execPath, [stryker, 'run', 'stryker.config.mjs', ...plan.args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, FLOWKIT_MUTATE: name },
  });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0 || !existsSync(json) || readFileSync(json, 'utf8') === '') {
    failed = true;
    rows.push({ name, seconds, error: `stryker exited ${run.status ?? run.signal}` });
    continue;
  }
  const s = score(JSON.parse(readFileSync(json, 'utf8')));
  writeFileSync(join(root, `reports/mutation/${name}/survivors.txt`), `${s.survivors.join('\n')}\n`);
  const low = belowTarget(s, target);
  // Below the target, a package with a recorded floor fails only under it.
  if (check && belowTarget(s, gateFloor(name, target, floors))) failed = true;
  rows.push({ name, seconds, low, ...s });
}

console.log('\npackage        score    killed  timeout  survived  no-cov  errors  seconds');
for (const r of rows) {
  if (r.error !== undefined) {
    console.log(`${r.name.padEnd(14)} FAILED: ${r.error}`);
    continue;
  }
  const c = (k) => String(r.count[k] ?? 0);
  const errors = (r.count.CompileError ?? 0) + (r.count.RuntimeError ?? 0);
  console.log(
    `${r.name.padEnd(14)} ${(r.score === null ? 'n/a' : `${r.score.toFixed(2)}%`).padStart(7)}  ` +
      `${c('Killed').padStart(6)}  ${c('Timeout').padStart(7)}  ${c('Survived').padStart(8)}  ` +
      `${c('NoCoverage').padStart(6)}  ${String(errors).padStart(6)}  ${r.seconds.toFixed(0).padStart(7)}` +
      (r.low
        ? `  below the ${target} % target${
            !check
              ? ''
              : belowTarget(r, gateFloor(r.name, target, floors))
                ? ': FAILED'
                : ` (floor ${floors[r.name]} %: not failed)`
          }`
        : ''),
  );
}
console.log(
  'HTML reports: reports/mutation/<package>/index.html; survivors: reports/mutation/<package>/survivors.txt',
);
process.exit(failed ? 1 : 0);
