import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runConformance } from '../src/core.js';
import { flowTopics, listenerTopics } from '../src/index.js';
import { referenceListenerOptions } from './support/reference-listener.js';
import { referencePair } from './support/reference-pair.js';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

/** Every module reachable from `file` through relative imports, and every bare import they make. */
function imports(file: string, seen = new Map<string, string[]>()): Map<string, string[]> {
  if (seen.has(file)) return seen;
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:import|export)[^'"]*?from\s+'([^']+)'/g)].map((m) => m[1]!);
  seen.set(
    file,
    specs.filter((s) => !s.startsWith('.')),
  );
  for (const s of specs.filter((x) => x.startsWith('.')))
    imports(resolve(dirname(file), s.replace(/\.js$/, '.ts')), seen);
  return seen;
}

describe('@flowkit/conformance/core', () => {
  it('reaches no test runner and no node: module', () => {
    const graph = imports(resolve(src, 'core.ts'));
    expect(graph.size).toBeGreaterThan(20);
    const bare = new Set([...graph.values()].flat());
    // @flowkit/kernel is runtime-neutral too (its own test scans it for node: imports).
    expect([...bare].sort()).toEqual(['@flowkit/flow-types', '@flowkit/kernel', 'fast-check']);
  });

  it('the vitest entry does reach vitest (the check above can see an import)', () => {
    const bare = new Set([...imports(resolve(src, 'index.ts')).values()].flat());
    expect(bare.has('vitest')).toBe(true);
  });

  it('runConformance runs every case and reports each with its status and duration', async () => {
    const report = await runConformance({
      flow: {
        name: 'reference',
        makePair: async () => referencePair(),
        capabilities: { backpressure: false },
      },
      listener: referenceListenerOptions(),
      filter: (c) => c.topic.id !== 'stress' && c.topic.id !== 'properties' && c.topic.id !== 'basic',
    });
    const expected =
      flowTopics
        .filter((t) => !['stress', 'properties', 'basic'].includes(t.id))
        .reduce((n, t) => n + t.cases.length, 0) +
      listenerTopics.filter((t) => t.id !== 'stress').reduce((n, t) => n + t.cases.length, 0);
    expect(report.cases.length).toBe(expected);
    expect(report.failed, JSON.stringify(report.cases.filter((c) => c.status === 'failed'))).toBe(0);
    const skipped = report.cases.filter((c) => c.status === 'skipped');
    expect(skipped.length).toBeGreaterThan(0);
    for (const s of skipped) expect(s.reason).toMatch(/transport declares no backpressure/);
    expect(report.passed + report.skipped).toBe(report.cases.length);
    for (const c of report.cases) expect(c.durationMs).toBeGreaterThanOrEqual(0);
    expect(report.leakCheck).toBe('off');
  }, 60_000);

  it('a failing case is reported failed with its message, and the run goes on', async () => {
    const report = await runConformance({
      flow: {
        name: 'throws',
        makePair: async () => {
          throw new Error('no pair today');
        },
      },
      filter: (c) => c.id === 'close/close-idempotent' || c.id === 'close/close-both-at-once',
    });
    expect(report.cases.map((c) => c.status)).toEqual(['failed', 'failed']);
    // A throwing makePair is the harness's error, not a broken flow promise.
    expect(report.cases[0]?.reason).toMatch(
      /makePair\(\) rejected: an error in the conformance options' own code/,
    );
    expect(report.cases[0]?.reason).not.toMatch(/flowkit methods never/);
  });

  it('maxStressFlows skips, visibly, only the stress cases that need more pairs', async () => {
    const report = await runConformance({
      flow: { name: 'reference', makePair: async () => referencePair(), maxStressFlows: 100 },
      filter: (c) =>
        c.topic.id === 'stress' && c.id.startsWith('stress/flows-') && c.id.endsWith('-messages-1'),
    });
    expect(report.cases.map((c) => `${c.id} ${c.status}`)).toEqual([
      'stress/flows-1-messages-1 passed',
      'stress/flows-10-messages-1 passed',
      'stress/flows-100-messages-1 passed',
      'stress/flows-1000-messages-1 skipped',
    ]);
    expect(report.cases[3]?.reason).toBe('needs 1000 flows, maxStressFlows is 100');
  });
});
