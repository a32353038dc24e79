// Prints the one line CI reads, `N passed, N failed, N skipped`, from vitest's
// JSON report, and exits non-zero when anything failed. Plain .mjs so it runs
// even when the install did not.
import { readFileSync } from 'node:fs';

// Usage: summary.mjs REPORT [FAILED_STEP…]; each FAILED_STEP (a CI step that
// failed outside vitest, such as lint) counts as one failure.
const [path = '.reports/vitest.json', ...failedSteps] = process.argv.slice(2);
let report;
try {
  report = JSON.parse(readFileSync(path, 'utf8'));
} catch (error) {
  console.log(`summary: no vitest report at ${path} (${error.code ?? error.message})`);
  console.log(`0 passed, ${1 + failedSteps.length} failed`);
  process.exit(1);
}

const passed = report.numPassedTests ?? 0;
let failed = report.numFailedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
// A file that failed to load, a leak check in afterAll or an unhandled error
// fails the run without failing a test: count it, so the line never says 0.
const brokenFiles = (report.testResults ?? []).filter(
  (file) => file.status === 'failed' && (file.assertionResults ?? []).every((t) => t.status !== 'failed'),
);
for (const file of brokenFiles)
  console.log(`summary: ${file.name} failed outside its tests: ${file.message ?? ''}`);
failed += brokenFiles.length;
for (const step of failedSteps) console.log(`summary: step failed: ${step}`);
failed += failedSteps.length;
if (report.success === false && failed === 0) {
  console.log('summary: vitest reported failure (unhandled error?) with no failed test');
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
