import { type MemoryFlow, pair } from '@flowkit/memory';
import { afterEach } from 'vitest';

/** Two connected zero-copy memory flows with `capacity` bytes of buffer each way. */
export function testPair(capacity = 65_536): [MemoryFlow, MemoryFlow] {
  return pair({ capacity });
}

/**
 * A maker of {@link testPair}s that registers, in the calling test file, an
 * `afterEach` aborting every flow it made: a failed assertion leaves no flow
 * open for the next test.
 */
export function pairsAbortedAfterEach(): () => [MemoryFlow, MemoryFlow] {
  const made: MemoryFlow[] = [];
  afterEach(() => {
    for (const f of made.splice(0)) f.abort();
  });
  return () => {
    const p = testPair();
    made.push(...p);
    return p;
  };
}
