import { mutateProject } from '../../tooling/mutate/vitest-project.js';

// What `pnpm mutate conformance` runs: the direct unit tests of the support
// code (test/unit) and the hostile-options sweep. The self-test, which runs
// every case against the reference and the broken flows, is left out: it
// takes minutes instrumented and reaches the support code only through the
// cases, so a mutant only it would kill is listed as a survivor instead.
export default mutateProject('conformance', {
  exclude: [
    'test/broken.test.ts',
    'test/close-waits-capability.test.ts',
    'test/core.test.ts',
    'test/hygiene.test.ts',
    'test/no-half-close.test.ts',
    'test/readme.test.ts',
    'test/reference.test.ts',
  ],
});
