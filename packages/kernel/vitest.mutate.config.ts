import { mutateProject } from '../../tooling/mutate/vitest-project.js';

// neutral.test.ts scans source text for node: imports; it kills no mutant.
export default mutateProject('kernel', { exclude: ['test/neutral.test.ts'] });
