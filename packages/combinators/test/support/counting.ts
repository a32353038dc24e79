import type { Flow } from '@flowkit/flow-types';

/** A flow that forwards to `inner` and counts the reads that reached it. */
export interface CountingFlow extends Flow {
  /** Reads that returned data (not EOF, not an error). */
  readonly dataReads: number;
}

/**
 * Wraps `inner` so a test can tell how many of the inner flow's reads a
 * combinator joined: a property "across any chunking" is only honest if the
 * joins really happened.
 */
export function countingReads(inner: Flow): CountingFlow {
  let dataReads = 0;
  return {
    get dataReads() {
      return dataReads;
    },
    async read(options) {
      const r = await inner.read(options);
      if (r.ok && typeof r.value !== 'symbol') dataReads += 1;
      return r;
    },
    write: (buffer) => inner.write(buffer),
    writev: (buffers) => inner.writev(buffers),
    closeWrite: () => inner.closeWrite(),
    close: (options) => inner.close(options),
    abort: (reason) => inner.abort(reason),
  };
}
