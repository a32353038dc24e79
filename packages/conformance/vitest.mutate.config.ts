import { packageProject } from '../../tooling/vitest.shared.js';

// What `pnpm mutate conformance` runs: the direct unit tests of the support
// code (test/unit) and the hostile-options sweep. The self-test, which runs
// every case against the reference and the broken flows, is left out: it
// takes minutes instrumented and reaches the support code only through the
// cases, so a mutant it alone would kill is listed as a survivor instead.
const project = packageProject('conformance');

export default {
  ...project,
  test: {
    ...project.test,
    include: ['test/unit/**/*.test.ts', 'test/hostile.test.ts'],
  },
};
