import { mutateProject } from '../../tooling/mutate/vitest-project.js';

// What `pnpm mutate node-duplex` runs: all of its tests (about 5 s; the
// TCP interleavings bind 127.0.0.1 only), each bounded to 3 s so a mutant
// that leaves a read or a close pending fails its test without a restart.
export default mutateProject('node-duplex');
