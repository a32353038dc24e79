import { listenerTopics } from '../listener/topics.js';
import { leakCheckNotice, planListenerCases } from '../runner/plan.js';
import { checkListenerOptions } from '../support/check-options.js';
import type { ListenerConformanceOptions, ListenerTopic } from '../support/types.js';
import { register } from './register.js';

/**
 * Registers the listener conformance suite with vitest: listener lifecycle
 * (address, accept many, `for await`, close), connect/listen errors and
 * stress. Call it at the top level of a test file.
 *
 * Every listener and flow a case opens is closed or aborted when it ends
 * (pass or fail), then `cleanup` runs. Cases that need `connectToNothing` or
 * `listenAgain` are skipped, with the reason in their name, when the option
 * is absent. `A` (the address type) is inferred from `listen`.
 */
export function listenerConformance<A>(
  options: ListenerConformanceOptions<A>,
  topics: readonly ListenerTopic[] = listenerTopics,
): void {
  const checked = checkListenerOptions<A>('listenerConformance', options);
  register(
    `${checked.name}: listener conformance`,
    planListenerCases(checked, topics),
    leakCheckNotice(checked.leakCheck),
  );
}
