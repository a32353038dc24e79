// tcp's conformance cases under `node:test` (no vitest anywhere): every case
// the core plans becomes a `node:test` test, skipped ones with their reason.
// `node --import tsx --test tooling/runtimes/node-test.ts`; the matrix runs
// it (matrix.ts) and reads node's own summary.
import { describe, it } from 'node:test';
import { type PlannedCase, planFlowCases, planListenerCases } from '@flowkit/conformance/core';
import { matrixCase } from './cell.js';
import { subjectsOf } from './subjects.js';

const tcp = await subjectsOf('tcp');
if ('refused' in tcp) throw new Error(`tcp refused this runtime: ${tcp.refused}`);
for (const subject of tcp) {
  const { flow, listener } = subject.options;
  const planned: PlannedCase[] = [
    ...(flow === undefined ? [] : planFlowCases(flow)),
    ...(listener === undefined ? [] : planListenerCases(listener)),
  ];
  describe(subject.label, () => {
    for (const c of planned.filter(matrixCase)) {
      it(c.name, { skip: c.skip ?? false, timeout: c.timeoutMs }, () => c.run());
    }
  });
}
