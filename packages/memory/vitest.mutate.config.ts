import { mutateProject } from '../../tooling/mutate/vitest-project.js';

// What `pnpm mutate memory` runs: the unit tests of the pipe, its stages, the
// faults and the options. The conformance runs are left out: instrumented,
// the 8 MiB rechunked close-write case outlasts its own bound, and the
// behaviours they reach are checked here directly. neutral.test.ts scans
// source text for node: imports; it kills no mutant. The property tests take
// up to about 1 s uninstrumented, so each test gets 4 s, not 3.
export default mutateProject('memory', {
  exclude: ['test/conformance*.test.ts', 'test/neutral.test.ts'],
  testTimeout: 4_000,
});
