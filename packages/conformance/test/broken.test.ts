import { describe, expect, it } from 'vitest';
import type { FlowCase, ListenerCase } from '../src/index.js';
import {
  ConformanceError,
  flowCaseContext,
  flowTopics,
  listenerCaseContext,
  listenerTopics,
} from '../src/index.js';
import { runCase } from '../src/runner/plan.js';
import { brokenVariants } from './support/broken.js';
import { brokenListenerVariants } from './support/broken-listener.js';
import { referenceListenerOptions } from './support/reference-listener.js';
import { referencePair } from './support/reference-pair.js';

function findCase(id: string): FlowCase {
  const [topicId, caseId] = id.split('/');
  const c = flowTopics.find((t) => t.id === topicId)?.cases.find((x) => x.id === caseId);
  if (c === undefined) throw new Error(`no conformance case ${id}`);
  return c;
}

// Short deadlines: a broken flow that hangs should be reported in about a second.
const timings = { opTimeoutMs: 500, transferTimeoutMs: 2_500 };
// Each case runs as the runners run it: with per-case hygiene (a stray
// rejection fails the case), without the leak check (the broken flows are
// all in memory).
const hygiene = { caseTimeoutMs: 15_000, leakCheck: false };

describe('the suite catches broken flows', () => {
  for (const variant of brokenVariants) {
    describe(variant.name, () => {
      for (const id of variant.mustCatch) {
        it(`${id} fails`, async () => {
          const c = findCase(id);
          const ctx = flowCaseContext({ name: variant.name, makePair: variant.makePair }, timings);
          const failure = await runCase(() => c.run(ctx), hygiene).then(
            () => undefined,
            (e: unknown) => e,
          );
          // A ConformanceError, not any Error: a TypeError from a bug in the
          // case itself must not count as catching the broken flow.
          expect(failure, `${id} passed against a flow that ${variant.name}`).toBeInstanceOf(
            ConformanceError,
          );
          if (variant.message !== undefined) expect((failure as Error).message).toMatch(variant.message);
        }, 20_000);
      }
    });
  }
});

describe('the self-test is meaningful', () => {
  it('every case named above passes against the reference pair', async () => {
    const ctx = flowCaseContext({ name: 'reference', makePair: async () => referencePair() }, timings);
    const ids = new Set(brokenVariants.flatMap((v) => v.mustCatch));
    for (const id of ids) await runCase(() => findCase(id).run(ctx), hygiene);
    expect(ids.size).toBeGreaterThanOrEqual(20);
  }, 30_000);

  it('case ids are unique within each topic', () => {
    for (const t of flowTopics) expect(new Set(t.cases.map((c) => c.id)).size).toBe(t.cases.length);
  });
});

function findListenerCase(id: string): ListenerCase {
  const [topicId, caseId] = id.split('/');
  const c = listenerTopics.find((t) => t.id === topicId)?.cases.find((x) => x.id === caseId);
  if (c === undefined) throw new Error(`no listener case ${id}`);
  return c;
}

describe('the suite catches broken listeners', () => {
  for (const variant of brokenListenerVariants) {
    describe(variant.name, () => {
      for (const id of variant.mustCatch) {
        it(`${id} fails`, async () => {
          const ctx = listenerCaseContext(variant.options(), { opTimeoutMs: 500 });
          const failure = await runCase(() => findListenerCase(id).run(ctx), hygiene).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(failure, `${id} passed against a listener where ${variant.name}`).toBeInstanceOf(
            ConformanceError,
          );
        }, 20_000);
      }
    });
  }

  it('every listener case named above passes against the reference listener', async () => {
    const ctx = listenerCaseContext(referenceListenerOptions(), { opTimeoutMs: 1_000 });
    for (const id of new Set(brokenListenerVariants.flatMap((v) => v.mustCatch)))
      await runCase(() => findListenerCase(id).run(ctx), hygiene);
  });
});
