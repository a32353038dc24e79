/**
 * The one state vocabulary of flowkit flows. A flow keeps two halves and
 * derives everything else from them, so no two flags can contradict each
 * other.
 */

/**
 * The read half:
 * - `open`: the remote may still send;
 * - `eof`: the remote's end-of-stream arrived (queued data is still read first);
 * - `failed`: an error ended it (reset, truncation, abort).
 */
export type ReadHalf = 'open' | 'eof' | 'failed';

/**
 * The write half:
 * - `open`: writes are accepted;
 * - `closing`: `closeWrite` (or `close`) was called, the flush is under way;
 *   writes already return `closed`;
 * - `closed`: end-of-stream was handed to the transport;
 * - `failed`: an error or `abort()` ended it before that.
 */
export type WriteHalf = 'open' | 'closing' | 'closed' | 'failed';

/**
 * The whole flow, as the `Flow` documentation names its states:
 * - `open`: both halves open;
 * - `write-closed`: this end half-closed (or its writes failed), reads go on;
 * - `read-done`: the remote finished (EOF or error), writes go on;
 * - `closed`: both halves are done.
 */
export type FlowState = 'open' | 'write-closed' | 'read-done' | 'closed';

/** Derives the {@link FlowState} from the two halves. */
export function flowState(read: ReadHalf, write: WriteHalf): FlowState {
  const reading = read === 'open';
  const writing = write === 'open';
  if (reading) return writing ? 'open' : 'write-closed';
  return writing ? 'read-done' : 'closed';
}
