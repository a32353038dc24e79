import { mutateProject } from '../../tooling/mutate/vitest-project.js';

export default mutateProject('flow-types');
