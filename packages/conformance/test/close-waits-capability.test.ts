// `closeWaitsForRemote: false` (a plain WebSocket peer answers Close at once)
// skips exactly the cases that check close() waits, visibly; a flow that
// declares it true but does not wait is caught by every one of them.
import { describe, expect, it } from 'vitest';
import { closeTopic, deadlinesTopic, flowTopics, planFlowCases } from '../src/index.js';
import { brokenVariants } from './support/broken.js';
import { referencePair } from './support/reference-pair.js';

const NEEDS_WAIT = [
  'close/close-waits-for-remote',
  'close/close-idempotent',
  'close/close-signal-bounds-wait',
  'deadlines/close-timeout',
  'deadlines/cancelled-close-still-closes',
];
const REASON = '(skipped: transport declares no close waiting for the remote)';

const base = { name: 'reference', makePair: async () => referencePair() };

describe('the closeWaitsForRemote capability', () => {
  it('declared false, it skips exactly the cases that check close() waits, each with the reason in its name', () => {
    const planned = planFlowCases({ ...base, capabilities: { closeWaitsForRemote: false } });
    const skipped = planned.filter((c) => c.skip !== undefined);
    expect(skipped.map((c) => c.id)).toEqual(NEEDS_WAIT);
    for (const c of skipped) expect(c.name.endsWith(REASON), c.name).toBe(true);
    // Declared true (the default), none of them is skipped.
    expect(planFlowCases(base).filter((c) => c.skip !== undefined)).toEqual([]);
  });

  it('every case it skips catches a flow that declares it but does not wait', () => {
    const needing = flowTopics.flatMap((t) =>
      t.cases
        .filter((c) => [c.requires ?? []].flat().includes('closeWaitsForRemote'))
        .map((c) => `${t.id}/${c.id}`),
    );
    expect(needing).toEqual(NEEDS_WAIT);
    // broken.test.ts runs each of these against that flow and expects a failure.
    const doesNotWait = brokenVariants.find((v) => v.name === 'close does not wait for the remote');
    expect(doesNotWait?.mustCatch).toEqual(expect.arrayContaining(NEEDS_WAIT));
  });

  it('a flow that declares it false honestly passes the rest of the close and deadline cases', async () => {
    const doesNotWait = brokenVariants.find((v) => v.name === 'close does not wait for the remote')!;
    const planned = planFlowCases(
      {
        name: 'close does not wait',
        makePair: doesNotWait.makePair,
        capabilities: { closeWaitsForRemote: false },
      },
      [closeTopic, deadlinesTopic],
      { opTimeoutMs: 1_000, transferTimeoutMs: 5_000 },
    );
    const ran = planned.filter((c) => c.skip === undefined);
    expect(ran.length).toBe(planned.length - NEEDS_WAIT.length);
    for (const c of ran) await expect(c.run(), c.id).resolves.toBeUndefined();
  }, 60_000);
});
