// The same cases without vitest: `@flowkit/conformance/core` imports no test
// runner, so this runs under plain Node, Deno, Bun or in a browser page.
import { planFlowCases, runConformance } from '@flowkit/conformance/core';
import type { Flow } from '@flowkit/flow-types';

declare function makePair(): Promise<readonly [Flow, Flow]>;

// 1. One call, one report.
const report = await runConformance({
  flow: { name: 'my-transport', makePair, capabilities: { backpressure: false } },
  onCase: (c) =>
    console.log(`${c.status.padEnd(7)} ${c.id} (${c.durationMs} ms)${c.reason ? `: ${c.reason}` : ''}`),
});
console.log(
  `${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped, leak check ${JSON.stringify(report.leakCheck)}`,
);

// 2. Or register each case with your own runner (here in the shape of node:test's `test`).
declare function test(
  name: string,
  options: { skip?: string; timeout?: number },
  fn: () => Promise<void>,
): void;
for (const c of planFlowCases({ name: 'my-transport', makePair })) {
  test(
    `${c.topic.title} › ${c.name}`,
    { ...(c.skip === undefined ? {} : { skip: c.skip }), timeout: c.timeoutMs },
    () => c.run(),
  );
}
