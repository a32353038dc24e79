import { packageProject } from './vitest.shared.js';

// examples/conformance.test.ts is the README's "run the suite against your own
// transport" example: it runs here so the README cannot show a broken call.
export default packageProject('tooling', { include: ['examples/**/*.test.ts'] });
