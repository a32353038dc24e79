import { type MemoryFlow, pair } from '@flowkit/memory';

/** Two connected zero-copy memory flows with `capacity` bytes of buffer each way. */
export function testPair(capacity = 65_536): [MemoryFlow, MemoryFlow] {
  return pair({ capacity });
}
