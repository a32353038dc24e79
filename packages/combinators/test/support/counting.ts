import { EOF, type ReadOptions, type ReadResult } from '@flowkit/flow-types';
import { ForwardingFlow } from '@flowkit/kernel';

/**
 * Forwards to its inner flow and counts the reads that returned data, so a
 * test can tell how many inner reads a combinator joined: a property "across
 * any chunking" is only honest if the joins really happened.
 */
export class CountingFlow extends ForwardingFlow {
  /** Reads that returned data (not EOF, not an error). */
  dataReads = 0;

  override async read(options?: ReadOptions): Promise<ReadResult> {
    const r = await this.inner.read(options);
    if (r.ok && r.value !== EOF) this.dataReads += 1;
    return r;
  }
}
