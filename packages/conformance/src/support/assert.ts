/**
 * Assertions the cases use. They throw plain `Error`s with a message that
 * says which promise was broken, so a case can run inside vitest or be called
 * directly (the self-test does) with the same result.
 */

/** Thrown by every conformance check; `message` names the broken promise. */
export class ConformanceError extends Error {
  override readonly name = 'ConformanceError';
}

/** Fails the running case with `message`. */
export function fail(message: string): never {
  throw new ConformanceError(message);
}

/** Fails the running case with `message` unless `condition` holds. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) fail(message);
}

/**
 * Compares two byte arrays and, on a mismatch, reports the lengths and the
 * first differing offset instead of dumping megabytes.
 */
export function checkBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    if (actual[i] !== expected[i]) {
      fail(
        `${what}: byte ${i} differs (got ${actual[i]}, expected ${expected[i]}); ` +
          `received ${actual.length} of ${expected.length} bytes`,
      );
    }
  }
  if (actual.length !== expected.length) {
    fail(`${what}: received ${actual.length} bytes, expected ${expected.length} (the common prefix matches)`);
  }
}

/** Joins byte arrays into one fresh array. */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** One readable line for any value a flow returned or threw. */
export function describeValue(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
  if (typeof value === 'symbol') return value.toString();
  try {
    return JSON.stringify(value, (_k, v: unknown) =>
      v instanceof Uint8Array ? `Uint8Array(${v.length})` : typeof v === 'symbol' ? v.toString() : v,
    );
  } catch {
    return String(value);
  }
}
