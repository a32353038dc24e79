// `pnpm mutate [--incremental] [package…]`: runs Stryker on each package in
// turn (all of tooling/mutate/packages.mjs by default), then prints each
// package's mutation score and writes its surviving mutants to
// reports/mutation/<package>/survivors.txt beside the HTML report.
// Usage: pnpm mutate [--incremental | --mutate GLOBS] [package…]
// --incremental reuses tooling/mutate/baseline/<package>.json (committed):
// only mutants in changed code, or covered by changed tests, run again.
// Exits non-zero if Stryker failed for any package.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mutated } from './packages.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
const incremental = argv.includes('--incremental');
// --mutate GLOBS (comma-separated) narrows one package's run to some files,
// as Stryker's own --mutate does; its score covers only those files.
const narrowAt = argv.indexOf('--mutate');
const narrow = narrowAt === -1 ? undefined : argv[narrowAt + 1];
if (narrowAt !== -1 && (narrow === undefined || incremental)) {
  console.error(
    'mutate: --mutate needs globs, and is not for --incremental (it would overwrite the baseline)',
  );
  process.exit(2);
}
const names = argv.filter((a, i) => !a.startsWith('--') && (narrowAt === -1 || i !== narrowAt + 1));
for (const name of names) {
  if (!(name in mutated)) {
    console.error(`mutate: unknown package ${name}; one of: ${Object.keys(mutated).join(', ')}`);
    process.exit(2);
  }
}
const stryker = join(root, 'node_modules/@stryker-mutator/core/bin/stryker.js');

/** Stryker's mutation score: detected (killed or timed out) over every mutant that ran or had no test. */
function score(report) {
  const count = {};
  const survivors = [];
  for (const [file, { mutants }] of Object.entries(report.files)) {
    for (const m of mutants) {
      count[m.status] = (count[m.status] ?? 0) + 1;
      if (m.status === 'Survived' || m.status === 'NoCoverage') {
        const at = `${file}:${m.location.start.line}:${m.location.start.column}`;
        survivors.push(`${m.status} ${at} ${m.mutatorName}: ${JSON.stringify(m.replacement ?? '')}`);
      }
    }
  }
  const detected = (count.Killed ?? 0) + (count.Timeout ?? 0);
  const valid = detected + (count.Survived ?? 0) + (count.NoCoverage ?? 0);
  return { count, survivors, score: valid === 0 ? null : (100 * detected) / valid };
}

const rows = [];
let failed = false;
for (const name of names.length > 0 ? names : Object.keys(mutated)) {
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    [
      stryker,
      'run',
      'stryker.config.mjs',
      ...(incremental ? ['--incremental'] : []),
      ...(narrow === undefined ? [] : ['--mutate', narrow]),
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, FLOWKIT_MUTATE: name } },
  );
  const seconds = (performance.now() - started) / 1000;
  const json = join(root, `reports/mutation/${name}/mutation.json`);
  if (run.status !== 0 || !existsSync(json)) {
    failed = true;
    rows.push({ name, seconds, error: `stryker exited ${run.status ?? run.signal}` });
    continue;
  }
  const s = score(JSON.parse(readFileSync(json, 'utf8')));
  writeFileSync(join(root, `reports/mutation/${name}/survivors.txt`), `${s.survivors.join('\n')}\n`);
  rows.push({ name, seconds, ...s });
}

console.log('\npackage        score    killed  timeout  survived  no-cov  errors  seconds');
for (const r of rows) {
  if (r.error !== undefined) {
    console.log(`${r.name.padEnd(14)} ${r.error}`);
    continue;
  }
  const c = (k) => String(r.count[k] ?? 0);
  const errors = (r.count.CompileError ?? 0) + (r.count.RuntimeError ?? 0);
  console.log(
    `${r.name.padEnd(14)} ${(r.score === null ? 'n/a' : `${r.score.toFixed(2)}%`).padStart(7)}  ` +
      `${c('Killed').padStart(6)}  ${c('Timeout').padStart(7)}  ${c('Survived').padStart(8)}  ` +
      `${c('NoCoverage').padStart(6)}  ${String(errors).padStart(6)}  ${r.seconds.toFixed(0).padStart(7)}`,
  );
}
console.log(
  'HTML reports: reports/mutation/<package>/index.html; survivors: reports/mutation/<package>/survivors.txt',
);
process.exit(failed ? 1 : 0);
