// THE way to run a fast-check property on a time budget. fast-check's
// `interruptAfterTimeLimit` alone ends the run early and reports success, so on
// a slow machine a property quietly covers fewer cases than its test claims.
// Here the budget is a ceiling, never a discount: fewer runs than `numRuns`
// fails the test, saying how many ran. Runtime-neutral (fast-check only), so
// memory and combinators tests can use it too.
import fc from 'fast-check';

/** The run parameters of {@link assertBudgeted}: fast-check's, minus the interruption knobs it sets. */
export type Budget<Ts> = Omit<
  fc.Parameters<Ts>,
  'numRuns' | 'interruptAfterTimeLimit' | 'markInterruptAsFailure' | 'skipAllAfterTimeLimit'
> & {
  /** The number of runs the test claims. Fewer within `budgetMs` fails. */
  readonly numRuns: number;
  /** Wall-clock budget for the whole check (runs and shrinking), in milliseconds. */
  readonly budgetMs: number;
};

/**
 * Checks `property` for `numRuns` runs within `budgetMs`. Rejects with
 * fast-check's counterexample report when a run fails, and with
 * `ran N of M runs within B ms` when the budget ran out first. Resolves with
 * fast-check's run details (`numRuns` is then exactly the claimed number).
 */
export async function assertBudgeted<Ts>(
  property: fc.IAsyncProperty<Ts> | fc.IProperty<Ts>,
  budget: Budget<Ts>,
): Promise<fc.RunDetails<Ts>> {
  const { numRuns, budgetMs, ...rest } = budget;
  if (!Number.isInteger(numRuns) || numRuns < 1) throw new TypeError(`numRuns must be a positive integer`);
  if (!(budgetMs > 0)) throw new TypeError('budgetMs must be a positive number of milliseconds');
  const parameters: fc.Parameters<Ts> = { ...rest, numRuns, interruptAfterTimeLimit: budgetMs };
  const details = await (
    fc.check as (p: typeof property, q: fc.Parameters<Ts>) => Promise<fc.RunDetails<Ts>>
  )(property, parameters);
  if (details.failed) {
    const message = fc.defaultReportMessage(details) ?? 'property failed';
    throw new Error(message, { cause: details.errorInstance });
  }
  if (details.numRuns < numRuns) {
    throw new Error(
      `budgeted property ran ${details.numRuns} of ${numRuns} runs within ${budgetMs} ms ` +
        `(seed ${details.seed}): it must not cover fewer cases than it claims; make the runs cheaper, ` +
        'raise the budget, or claim fewer runs',
    );
  }
  return details;
}
