import type { Flow } from '@flowkit/flow-types';
import { show } from './show.js';

/**
 * Checks an argument that the types say is a `Uint8Array` (a `Buffer` is
 * one). Passing anything else is a programming error, so it throws a
 * `TypeError` at the call, naming the method and the argument, instead of a
 * failure later (a string written to a socket, `bytesWritten` turning NaN).
 *
 * @example checkBytes(buffer, 'write', 'buffer')
 */
export function checkBytes(value: unknown, method: string, argument: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`${method}: ${argument} must be a Uint8Array, got ${show(value)}`);
  }
}

/**
 * Checks an argument that the types say is an array of `Uint8Array`s, as
 * `writev` takes. Throws a `TypeError` naming the method, the argument and
 * the index of the first bad element.
 */
export function checkByteList(
  value: unknown,
  method: string,
  argument: string,
): asserts value is readonly Uint8Array[] {
  if (!Array.isArray(value)) {
    throw new TypeError(`${method}: ${argument} must be an array of Uint8Array, got ${show(value)}`);
  }
  for (let i = 0; i < value.length; i++) {
    if (!(value[i] instanceof Uint8Array)) {
      throw new TypeError(`${method}: ${argument}[${i}] must be a Uint8Array, got ${show(value[i])}`);
    }
  }
}

const FLOW_METHODS = ['read', 'write', 'writev', 'closeWrite', 'close', 'abort'] as const;

/**
 * Checks an argument the types say is a `Flow`: an object whose `read`,
 * `write`, `writev`, `closeWrite`, `close` and `abort` (and any `extra`
 * methods) are functions. Anything else is a programming error, so it throws
 * a `TypeError` at the call naming the function and the argument, instead of
 * a crash or a rejection later (deep inside Node's TLS machinery, say). A
 * Proxy trap or getter that throws while being checked counts as "not a flow".
 *
 * @example checkFlow(flow, 'wrapClient', 'flow')
 */
export function checkFlow(
  value: unknown,
  method: string,
  argument: string,
  extra: readonly string[] = [],
): asserts value is Flow {
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
    const what = extra.length === 0 ? 'a Flow' : `a flow with ${extra.join(', ')}`;
    throw new TypeError(`${method}: ${argument} must be ${what}; ${problem}`);
  }
}
