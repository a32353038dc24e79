import { packageBuild } from '../../tooling/tsup.shared.js';

export default packageBuild({ entry: ['src/index.ts', 'src/browser.ts'] });
