import { packageBuild } from '../../tooling/tsup.shared.js';

// Two entries: the library (parseAddress, main…) and the `flowcat` executable,
// whose source starts with a shebang that esbuild keeps.
export default packageBuild({ entry: ['src/index.ts', 'src/cli.ts'] });
