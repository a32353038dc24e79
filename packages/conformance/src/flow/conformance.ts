import { describe, it } from 'vitest';
import { DEFAULT_TIMEOUT_MS, flowCaseContext, missingCapabilities } from '../support/harness.js';
import type { FlowCapability, FlowConformanceOptions, FlowTopic } from '../support/types.js';
import { flowTopics } from './topics.js';

const capabilityText: Record<FlowCapability, string> = {
  halfClose: 'half-close',
  abortSendsReset: 'reset on abort',
  backpressure: 'backpressure',
};

/**
 * Registers the flow conformance suite with vitest: one `describe` per topic
 * (basic I/O, half-close, close, write rules, backpressure, abort, read
 * cancellation, concurrency, properties), one `it` per case. Call it at the
 * top level of a test file.
 *
 * Each test makes a fresh pair with `makePair`, aborts both flows when it
 * ends (pass or fail) and then awaits `cleanup`. A case whose capability is
 * declared `false` is registered with `it.skipIf`, and its name says why.
 */
export function flowConformance(
  options: FlowConformanceOptions,
  topics: readonly FlowTopic[] = flowTopics,
): void {
  const ctx = flowCaseContext(options);
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  describe(`${options.name}: flow conformance`, () => {
    for (const topic of topics) {
      describe(topic.title, () => {
        for (const c of topic.cases) {
          const missing = missingCapabilities(c, ctx.capabilities);
          const name =
            missing.length > 0
              ? `${c.name} (skipped: transport declares no ${missing.map((m) => capabilityText[m]).join(', no ')})`
              : c.name;
          it.skipIf(missing.length > 0)(name, () => c.run(ctx), timeout);
        }
      });
    }
  });
}
