import type { Flow } from '@flowkit/flow-types';

const METHODS = ['read', 'write', 'writev', 'close', 'abort'] as const;

/**
 * Throws a `TypeError` naming the argument unless `value` looks like a
 * {@link Flow}: a programming error is reported at the call, not as a crash
 * on the first read inside Node's TLS machinery.
 */
export function checkFlow(value: unknown, call: string): asserts value is Flow {
  const missing =
    typeof value !== 'object' || value === null
      ? undefined
      : METHODS.find((m) => typeof (value as Record<string, unknown>)[m] !== 'function');
  if (typeof value !== 'object' || value === null || missing !== undefined) {
    throw new TypeError(
      `${call}: flow must be a Flow (an object with ${METHODS.join(', ')} methods)` +
        (missing === undefined
          ? `, got ${value === null ? 'null' : typeof value}`
          : `; it has no ${missing}() method`),
    );
  }
}
