/**
 * A small deterministic generator of 32-bit integers: a Weyl sequence passed
 * through a 32-bit integer mixer. Not for cryptography; only for reproducible
 * test runs.
 *
 * @internal
 */
export function random32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Milliseconds on a monotonic clock where the runtime has one. @internal */
export const now: () => number =
  typeof performance !== 'undefined' && typeof performance.now === 'function'
    ? () => performance.now()
    : () => Date.now();
