// A vitest reporter that writes what the JSON report leaves out: the run's
// unhandled errors (an unhandled rejection, a worker that exited unexpectedly)
// and why the run ended. tooling/ci/summary.mjs counts each error as a failure.
// Writes `.reports/vitest-errors.json` under the vitest root, or the path in
// FLOWKIT_VITEST_ERRORS.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export default class ErrorsReporter {
  root = process.cwd();

  onInit(vitest) {
    this.root = vitest.config.root;
  }

  onTestRunEnd(_modules, unhandledErrors, reason) {
    const path = resolve(this.root, process.env.FLOWKIT_VITEST_ERRORS ?? '.reports/vitest-errors.json');
    mkdirSync(dirname(path), { recursive: true });
    const errors = unhandledErrors.map((e) => ({ name: e.name, message: e.message }));
    writeFileSync(path, `${JSON.stringify({ reason, unhandledErrors: errors }, null, 2)}\n`);
  }
}
