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
