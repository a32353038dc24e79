import { describe, it } from 'vitest';
import type { PlannedCase } from '../runner/plan.js';

/**
 * Registers planned cases with vitest: one `describe` per topic, one `it` per
 * case, skipped cases with `it.skip` and the reason in their name. A leak
 * check that was asked for but cannot run shows as one skipped entry.
 */
export function register(title: string, cases: readonly PlannedCase[], leakNotice: string | undefined): void {
  describe(title, () => {
    if (leakNotice !== undefined) it.skip(leakNotice, () => {});
    const topics = new Map<string, { title: string; cases: PlannedCase[] }>();
    for (const c of cases) {
      const group = topics.get(c.topic.id) ?? { title: c.topic.title, cases: [] };
      group.cases.push(c);
      topics.set(c.topic.id, group);
    }
    for (const group of topics.values()) {
      describe(group.title, () => {
        for (const c of group.cases) it.skipIf(c.skip !== undefined)(c.name, () => c.run(), c.timeoutMs);
      });
    }
  });
}
