// Mutation testing (StrykerJS 9.6, the last line that runs on Node 20), one
// package per Stryker run. Run it through `pnpm mutate [package…]`
// (tooling/mutate/main.mjs), which sets FLOWKIT_MUTATE and prints the scores.
import { existsSync } from 'node:fs';
import { mutated, target } from './tooling/mutate/packages.mjs';

const name = process.env.FLOWKIT_MUTATE;
const files = mutated[name];
if (files === undefined) {
  throw new Error(`FLOWKIT_MUTATE must name one of: ${Object.keys(mutated).join(', ')} (got ${name})`);
}
const dir = `packages/${name}`;
const reports = `reports/mutation/${name}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // By path: under pnpm, Stryker's own plugin scan (siblings of core) does not see it.
  plugins: [import.meta.resolve('@stryker-mutator/vitest-runner')],
  // A package may keep a narrower `vitest.mutate.config.ts` (its fast unit
  // tests only) for Stryker; otherwise its own vitest config runs.
  vitest: {
    configFile: existsSync(`${dir}/vitest.mutate.config.ts`)
      ? `${dir}/vitest.mutate.config.ts`
      : `${dir}/vitest.config.ts`,
    dir,
  },
  mutate: files.map((f) => (f.startsWith('!') ? `!${dir}/${f.slice(1)}` : `${dir}/${f}`)),
  // Tests run per mutant only where that mutant's code ran (per-test coverage).
  coverageAnalysis: 'perTest',
  // The machine is shared: one test runner at a time.
  concurrency: 1,
  // A mutant that hangs a test is cut off at 1.5 × that test's own time plus
  // this margin (and counts as detected); each such cut costs a runner
  // restart. The packages' vitest.mutate.config.ts bound each test to less
  // (tooling/mutate/vitest-project.ts), so a mutant that leaves a read
  // pending fails its test instead; only a hang that blocks the event loop
  // and escapes Stryker's hit counter reaches this.
  timeoutMS: 5_000,
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: `${reports}/index.html` },
  jsonReporter: { fileName: `${reports}/mutation.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  // The committed baseline `pnpm mutate --incremental` starts from.
  incrementalFile: `${process.env.FLOWKIT_MUTATE_BASELINES ?? 'tooling/mutate/baseline'}/${name}.json`,
  thresholds: { high: target, low: 70, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
