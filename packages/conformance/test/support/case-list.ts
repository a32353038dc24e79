import type { FlowCapability, FlowTopic, ListenerTopic } from '../../src/core.js';
import { flowTopics, listenerTopics } from '../../src/core.js';

/** The README's case list, rendered from the topics themselves. */
export function renderCaseList(): string {
  const count = (topics: readonly { cases: readonly unknown[] }[]) =>
    topics.reduce((n, t) => n + t.cases.length, 0);
  const lines = [
    `${count(flowTopics)} flow cases in ${flowTopics.length} topics, ${count(listenerTopics)} listener cases in ${listenerTopics.length} topics.`,
    '',
    '### Flow cases',
    '',
  ];
  const flowNeeds = (requires: FlowTopic['cases'][number]['requires']): string => {
    if (requires === undefined) return '';
    const all: readonly FlowCapability[] = typeof requires === 'string' ? [requires] : requires;
    return ` _(needs ${all.map((c) => `\`${c}\``).join(', ')})_`;
  };
  for (const t of flowTopics) {
    lines.push(`**${t.title}** (\`${t.id}\`)`, '');
    for (const c of t.cases) lines.push(`- \`${c.id}\` — ${c.name}${flowNeeds(c.requires)}`);
    lines.push('');
  }
  lines.push('### Listener cases', '');
  const listenerNeeds = (requires: ListenerTopic['cases'][number]['requires']): string =>
    requires === undefined ? '' : ` _(needs \`${requires}\`)_`;
  for (const t of listenerTopics) {
    lines.push(`**${t.title}** (\`${t.id}\`)`, '');
    for (const c of t.cases) lines.push(`- \`${c.id}\` — ${c.name}${listenerNeeds(c.requires)}`);
    lines.push('');
  }
  return lines.join('\n').trimEnd();
}
