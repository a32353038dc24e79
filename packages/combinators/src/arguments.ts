import { show } from '@flowkit/kernel';

const FLOW_METHODS = ['read', 'write', 'writev', 'closeWrite', 'close', 'abort'] as const;

/**
 * Checks an argument the types say is a `Flow`: an object whose `read`,
 * `write`, `writev`, `closeWrite`, `close` and `abort` are functions. Anything
 * else is a programming error, so it throws a `TypeError` at the call naming
 * the function and the argument, instead of a rejection later. A Proxy trap
 * or getter that throws while being checked counts as "not a flow".
 */
export function checkFlow(
  value: unknown,
  method: string,
  argument: string,
  extra: readonly string[] = [],
): void {
  const expected = [...FLOW_METHODS, ...extra];
  const problem = ((): string | undefined => {
    if (typeof value !== 'object' || value === null) return `got ${show(value)}`;
    try {
      const missing = expected.find((m) => typeof (value as Record<string, unknown>)[m] !== 'function');
      return missing === undefined ? undefined : `its ${missing} is not a function`;
    } catch {
      return 'reading its methods threw';
    }
  })();
  if (problem !== undefined) {
    const what = extra.length === 0 ? 'a Flow' : `a flow with ${extra.join(', ')} (see buffered())`;
    throw new TypeError(`${method}: ${argument} must be ${what}; ${problem}`);
  }
}
