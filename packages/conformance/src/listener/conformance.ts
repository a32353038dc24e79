import { describe, it } from 'vitest';
import { DEFAULT_TIMEOUT_MS } from '../support/harness.js';
import { listenerCaseContext } from '../support/listener-harness.js';
import type { ListenerConformanceOptions, ListenerTopic } from '../support/types.js';
import { listenerTopics } from './topics.js';

/**
 * Registers the listener conformance suite with vitest: listener lifecycle
 * (address, accept many, `for await`, close) and connect/listen errors. Call
 * it at the top level of a test file.
 *
 * Every listener and flow a case opens is closed or aborted when it ends
 * (pass or fail), then `cleanup` runs. Cases that need `connectToNothing` or
 * `listenAgain` are skipped, with the reason in their name, when the option
 * is absent.
 */
export function listenerConformance(
  options: ListenerConformanceOptions,
  topics: readonly ListenerTopic[] = listenerTopics,
): void {
  const ctx = listenerCaseContext(options);
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  describe(`${options.name}: listener conformance`, () => {
    for (const topic of topics) {
      describe(topic.title, () => {
        for (const c of topic.cases) {
          const missing = c.requires !== undefined && options[c.requires] === undefined;
          const name = missing ? `${c.name} (skipped: no ${c.requires} given)` : c.name;
          it.skipIf(missing)(name, () => c.run(ctx), timeout);
        }
      });
    }
  });
}
