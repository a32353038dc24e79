// One cell of the runtime matrix: `<runtime> suite.ts <package>` runs that
// package's conformance subjects through the runner-neutral core and prints
// each failed case, then one `@@report <json>` line the matrix reads. Exits 1
// when a case failed. Runs unchanged on Node (with tsx), Deno and Bun.
import process from 'node:process';
import { runConformance } from '@flowkit/conformance/core';
import {
  type CellReport,
  LOAD_ERROR_PREFIX,
  leakText,
  type MatrixPackage,
  matrixCase,
  PACKAGES,
  REPORT_PREFIX,
} from './cell.js';
import { type Subject, subjectsOf } from './subjects.js';

async function main(pkg: string | undefined): Promise<number> {
  if (!PACKAGES.includes(pkg as MatrixPackage)) {
    console.error(`usage: suite.ts <${PACKAGES.join('|')}>`);
    return 2;
  }
  const started = Date.now();
  const cell = { passed: 0, failed: 0, skipped: 0, leakCheck: 'off', failures: [] as string[] };
  let subjects: Subject[];
  try {
    const found = await subjectsOf(pkg as MatrixPackage);
    if ('refused' in found) {
      // A declared limit: the package refused this runtime at the call.
      const out: CellReport = {
        package: pkg as MatrixPackage,
        ...cell,
        refused: found.refused,
        durationMs: 0,
      };
      console.log(`${REPORT_PREFIX}${JSON.stringify(out)}`);
      return 0;
    }
    subjects = found;
  } catch (error) {
    // The package threw while loading here: the cell reports that, in one line.
    const text = error instanceof Error ? error.message : String(error);
    console.log(`${LOAD_ERROR_PREFIX}${text.split('\n')[0]}`);
    return 1;
  }
  for (const subject of subjects) {
    const report = await runConformance({
      ...subject.options,
      filter: matrixCase,
      onCase: (c) => {
        if (c.status === 'failed') {
          const line = `${subject.label}: ${c.id}: ${(c.reason ?? '').split('\n')[0]}`;
          cell.failures.push(line);
          console.log(`FAIL ${line}`);
        }
      },
    });
    cell.passed += report.passed;
    cell.failed += report.failed;
    cell.skipped += report.skipped;
    cell.leakCheck = leakText(report.leakCheck);
  }
  const out: CellReport = { package: pkg as MatrixPackage, ...cell, durationMs: Date.now() - started };
  console.log(`${REPORT_PREFIX}${JSON.stringify(out)}`);
  return out.failed === 0 ? 0 : 1;
}

// Exit explicitly: a transport that leaks a handle must not hang the cell
// (the leak check reports it instead).
process.exit(await main(process.argv[2]));
