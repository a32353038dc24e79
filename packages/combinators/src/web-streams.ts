import { EOF, type Flow } from '@flowkit/flow-types';
import {
  checkFlow,
  guardedAbort,
  guardedCloseWrite,
  guardedRead,
  guardedWrite,
  integer,
  readOptions,
} from '@flowkit/kernel';
import { isBuffered } from './buffered.js';
import { FlowkitError } from './errors.js';

/** Options for {@link toWebStreams}. Both limits count bytes, not chunks. */
export interface WebStreamsOptions {
  /**
   * How many bytes the readable side reads ahead of its consumer, in bytes.
   * Default 65,536. `0` reads only when the consumer asks.
   */
  readonly readableHighWaterMark?: number;
  /**
   * How many bytes the writable side queues before `writer.ready` waits, in
   * bytes. Default 65,536. With a peer that does not read, a writer that
   * awaits `ready` holds at most this plus one chunk plus what the transport
   * itself buffers.
   */
  readonly writableHighWaterMark?: number;
}

/** The Web Streams view of a flow. */
export interface WebStreamPair {
  /** The flow's incoming bytes. Closes at EOF; errors with a {@link FlowkitError}. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Writes to the flow. `close()` half-closes it; `abort()` aborts it. */
  readonly writable: WritableStream<Uint8Array>;
}

const DEFAULT_HIGH_WATER_MARK = 65_536;

const WEB_STREAMS_OPTIONS = {
  readableHighWaterMark: integer({ min: 0 }),
  writableHighWaterMark: integer({ min: 0 }),
};

const byteLength = (chunk: Uint8Array): number => chunk.byteLength;

/**
 * Exposes `flow` as a WHATWG `{ readable, writable }` pair with byte-level
 * backpressure and no copies:
 *
 * - Both queues count bytes (`size: chunk => chunk.byteLength`) against their
 *   high-water marks, so a fast writer against a slow peer stalls on
 *   `writer.ready` with a bounded number of bytes queued.
 * - Chunks are passed through as they are: the readable enqueues the very
 *   `Uint8Array` the flow returned (a default stream, not a `'bytes'` stream,
 *   whose `enqueue` would transfer the buffer), and the writable hands each
 *   chunk to `flow.write` as it was given. Do not reuse a written chunk.
 *
 * State:
 *
 * - The readable closes after EOF. A read error errors it with a
 *   {@link FlowkitError}. `readable.cancel()` cancels the pending read and
 *   leaves the flow open: later `flow.read()` calls get the bytes the stream
 *   had not read. Chunks already queued in the readable are discarded, as Web
 *   Streams do on cancel; if a read completes in the same instant as the
 *   cancel, its chunk is pushed back when `flow` is a {@link BufferedFlow}, and
 *   dropped otherwise.
 * - `writable.close()` half-closes the flow (`flow.closeWrite()`) and resolves
 *   once the end of the stream was handed to the transport, without waiting
 *   for the remote's close: waiting could deadlock a caller that reads the
 *   response only after closing its request side. A half-close that fails
 *   rejects it with a {@link FlowkitError}. `await flow.close()` waits for
 *   the whole teardown. A write error errors the writable with a
 *   {@link FlowkitError}; `writable.abort()` aborts the flow.
 * - A flow method that breaks its contract (throws, rejects, returns no
 *   promise or resolves something that is not a `Result`) errors the stream
 *   like any I/O error: a {@link FlowkitError} whose `error` is `io` with code
 *   `ERR_FLOW_BROKEN`, never the flow's own exception; an `abort()` that
 *   throws rejects `writable.abort()` the same way.
 *
 * Throws a `TypeError` naming the argument for a `flow` that is not a flow,
 * or naming the option for a bad one (a negative, fractional or non-number
 * high-water mark): a synchronous constructor has no result to carry it.
 */
export function toWebStreams(flow: Flow, options?: WebStreamsOptions): WebStreamPair {
  checkFlow(flow, 'toWebStreams', 'flow');
  const read = readOptions(options, WEB_STREAMS_OPTIONS);
  if (!read.ok) throw new TypeError(`toWebStreams: ${read.error.message}`, { cause: read.error });
  const readableHwm = read.value.readableHighWaterMark ?? DEFAULT_HIGH_WATER_MARK;
  const writableHwm = read.value.writableHighWaterMark ?? DEFAULT_HIGH_WATER_MARK;
  const cancelRead = new AbortController();

  const readable = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const r = await guardedRead(flow, { signal: cancelRead.signal });
        if (!r.ok) {
          if (!cancelRead.signal.aborted) controller.error(new FlowkitError(r.error));
          return;
        }
        if (r.value === EOF) {
          if (!cancelRead.signal.aborted) controller.close();
        } else if (!cancelRead.signal.aborted) {
          controller.enqueue(r.value);
        } else if (isBuffered(flow)) {
          // The read won the race against cancel(): give the bytes back.
          flow.unread(r.value);
        }
      },
      cancel(reason) {
        cancelRead.abort(reason);
      },
    },
    { highWaterMark: readableHwm, size: byteLength },
  );

  const writable = new WritableStream<Uint8Array>(
    {
      async write(chunk) {
        const w = await guardedWrite(flow, chunk);
        if (!w.ok) throw new FlowkitError(w.error);
      },
      async close() {
        const w = await guardedCloseWrite(flow);
        if (!w.ok) throw new FlowkitError(w.error);
      },
      abort(reason) {
        const a = guardedAbort(flow, reason);
        if (!a.ok) throw new FlowkitError(a.error);
      },
    },
    { highWaterMark: writableHwm, size: byteLength },
  );

  return { readable, writable };
}
