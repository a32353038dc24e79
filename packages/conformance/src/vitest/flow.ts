import { flowTopics } from '../flow/topics.js';
import { leakCheckNotice, planFlowCases } from '../runner/plan.js';
import { checkFlowOptions } from '../support/check-options.js';
import type { FlowConformanceOptions, FlowTopic } from '../support/types.js';
import { register } from './register.js';

/**
 * Registers the flow conformance suite with vitest: one `describe` per topic
 * (basic I/O, half-close, close, closeWrite, write rules, backpressure,
 * abort, read cancellation, concurrency, properties, races and deadlines,
 * stress), one `it` per case. Call it at the top level of a test file.
 *
 * Each test makes a fresh pair with `makePair`, aborts both flows when it
 * ends (pass or fail) and then awaits `cleanup`. An unhandled rejection or
 * uncaught exception during a test fails that test. A case whose capability
 * is declared `false` is skipped, and its name says why. The same cases run
 * without vitest through `@flowkit/conformance/core`.
 */
export function flowConformance(
  options: FlowConformanceOptions,
  topics: readonly FlowTopic[] = flowTopics,
): void {
  const checked = checkFlowOptions('flowConformance', options);
  register(
    `${checked.name}: flow conformance`,
    planFlowCases(checked, topics),
    leakCheckNotice(checked.leakCheck),
  );
}
