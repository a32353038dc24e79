import { EOF, type Flow } from '@flowkit/flow-types';
import { checkFlow, guardedRead, readOptions, signal } from '@flowkit/kernel';
import { follow } from './abort.js';
import { abortedError, FlowkitError } from './errors.js';

const CHUNKS_OPTIONS = { signal: signal() };

/** Options for {@link chunks}. */
export interface ChunksOptions {
  /**
   * Stops the iteration: the pending read is cancelled without losing data,
   * and the iterator throws a {@link FlowkitError} whose `error.type` is
   * `aborted`. The flow stays usable.
   */
  readonly signal?: AbortSignal;
}

/**
 * Iterates over the buffers `flow` delivers, as `for await` expects:
 *
 * ```ts
 * for await (const chunk of chunks(flow)) use(chunk);
 * ```
 *
 * - EOF ends the iteration normally.
 * - A read error is THROWN as a {@link FlowkitError} (its `error` is the typed
 *   {@link FlowError}; a read that broke the flow's contract is an `io` error
 *   with code `ERR_FLOW_BROKEN`, never the flow's own exception). This is the one place flowkit throws for I/O: an
 *   iterator has no other channel, and silently ending instead would make a
 *   reset or a truncated TLS stream look like a clean EOF.
 * - Leaving early (`break`, `return`, an exception in the loop body) cancels a
 *   read still waiting, without losing data, and leaves `flow` open and
 *   usable: later `flow.read()` calls get every byte the loop did not. The
 *   iterator does not close the flow; the caller owns it.
 *
 * Each `next()` is one `flow.read()`, so the loop consumes at the pace of its
 * body (backpressure). Buffers are passed through as the flow returned them.
 */
export function chunks(flow: Flow, options?: ChunksOptions): AsyncIterableIterator<Uint8Array> {
  checkFlow(flow, 'chunks', 'flow');
  const read = readOptions(options, CHUNKS_OPTIONS);
  // An iterator has no result to carry invalid-option: a bad option is the
  // programming error it is, at the call.
  if (!read.ok) throw new TypeError(`chunks: ${read.error.message}`, { cause: read.error });
  // Fires on the caller's signal, or on return() (which cancels a waiting read).
  const stop = follow('chunks', read.value.signal);
  let done = false;
  const finish = (): void => {
    done = true;
    stop.dispose();
  };
  const finished: IteratorReturnResult<undefined> = { done: true, value: undefined };

  const iterator: AsyncIterableIterator<Uint8Array> = {
    async next(): Promise<IteratorResult<Uint8Array>> {
      if (done) return finished;
      if (stop.byCaller) {
        finish();
        throw new FlowkitError(abortedError('chunks', stop.signal));
      }
      const r = await guardedRead(flow, { signal: stop.signal });
      if (!r.ok) {
        // return() called while this read waited: a clean end, not an error.
        if (done) return finished;
        finish();
        if (r.error.type === 'aborted' && stop.byCaller) {
          throw new FlowkitError(abortedError('chunks', stop.signal));
        }
        throw new FlowkitError(r.error);
      }
      if (r.value === EOF) {
        finish();
        return finished;
      }
      // Even when return() came while this read waited, the bytes are handed
      // to the caller of this next(): dropping them would lose data.
      return { done: false, value: r.value };
    },
    async return(): Promise<IteratorResult<Uint8Array>> {
      finish();
      stop.abort();
      return finished;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
