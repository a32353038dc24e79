import { EOF, type Flow } from '@flowkit/flow-types';
import { anySignal } from './abort.js';
import { abortedError, FlowkitError } from './errors.js';

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
 *   {@link FlowError}). This is the one place flowkit throws for I/O: an
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
export function chunks(flow: Flow, options: ChunksOptions = {}): AsyncIterableIterator<Uint8Array> {
  const userSignal = options.signal;
  const stop = new AbortController();
  const signal = anySignal(userSignal, stop.signal)!;
  let done = false;
  const finished: IteratorReturnResult<undefined> = { done: true, value: undefined };

  const iterator: AsyncIterableIterator<Uint8Array> = {
    async next(): Promise<IteratorResult<Uint8Array>> {
      if (done) return finished;
      if (userSignal?.aborted) {
        done = true;
        throw new FlowkitError(abortedError('chunks', userSignal));
      }
      const r = await flow.read({ signal });
      if (!r.ok) {
        // return() called while this read waited: a clean end, not an error.
        if (done) return finished;
        done = true;
        if (r.error.type === 'aborted' && userSignal?.aborted) {
          throw new FlowkitError(abortedError('chunks', userSignal));
        }
        throw new FlowkitError(r.error);
      }
      if (r.value === EOF) {
        done = true;
        return finished;
      }
      // Even when return() came while this read waited, the bytes are handed
      // to the caller of this next(): dropping them would lose data.
      return { done: false, value: r.value };
    },
    async return(): Promise<IteratorResult<Uint8Array>> {
      done = true;
      stop.abort();
      return finished;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
