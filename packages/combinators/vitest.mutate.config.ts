import { mutateProject } from '../../tooling/mutate/vitest-project.js';

// runtime-neutral.test.ts scans source text for node: imports; it kills no mutant.
export default mutateProject('combinators', { exclude: ['test/node/runtime-neutral.test.ts'] });
