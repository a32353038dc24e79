import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertBudgeted } from '../testing/budgeted-property.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('assertBudgeted (tooling/testing/budgeted-property.ts)', () => {
  it('runs exactly the claimed number of runs when the budget allows', async () => {
    let runs = 0;
    const details = await assertBudgeted(
      fc.asyncProperty(fc.nat(), async () => {
        runs += 1;
      }),
      { numRuns: 25, budgetMs: 10_000, seed: 1 },
    );
    expect(runs).toBe(25);
    expect(details.numRuns).toBe(25);
  });

  it('fails, naming the count, when the budget runs out before the claimed runs', async () => {
    let runs = 0;
    const check = assertBudgeted(
      fc.asyncProperty(fc.nat(), async () => {
        runs += 1;
        await sleep(40);
      }),
      { numRuns: 50, budgetMs: 200, seed: 1 },
    );
    await expect(check).rejects.toThrow(/ran \d+ of 50 runs within 200 ms/);
    expect(runs).toBeGreaterThan(0);
    expect(runs).toBeLessThan(50);
  });

  it('fails with the counterexample when a run fails', async () => {
    const check = assertBudgeted(
      fc.property(fc.integer({ min: 0, max: 1000 }), (n) => {
        expect(n).toBeLessThan(500);
      }),
      { numRuns: 200, budgetMs: 10_000, seed: 3 },
    );
    await expect(check).rejects.toThrow(/Counterexample: \[500\]/);
  });

  it('refuses a claim of no runs', async () => {
    await expect(
      assertBudgeted(
        fc.property(fc.nat(), () => {}),
        { numRuns: 0, budgetMs: 10 },
      ),
    ).rejects.toThrow(TypeError);
  });
});
