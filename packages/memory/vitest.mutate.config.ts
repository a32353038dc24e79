import { packageProject } from '../../tooling/vitest.shared.js';

// What `pnpm mutate memory` runs: the unit tests of the pipe, its stages, the
// faults and the options. The conformance runs are left out: instrumented,
// the 8 MiB rechunked close-write case outlasts its own bound, and every
// behaviour they reach is also checked here directly.
const project = packageProject('memory');

export default {
  ...project,
  test: {
    ...project.test,
    exclude: ['test/conformance*.test.ts', 'test/neutral.test.ts'],
  },
};
