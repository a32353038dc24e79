import type { FlowError, WriteError } from './errors.js';
import type { Eof, Result } from './result.js';

/** What {@link Flow.read} resolves with. */
export type ReadResult = Result<Uint8Array | Eof, FlowError>;

/** What {@link Flow.write} and {@link Flow.writev} resolve with. */
export type WriteResult = Result<void, WriteError>;

/** Options for {@link Flow.read}. */
export interface ReadOptions {
  /**
   * Cancels this one read. The read resolves `{ type: 'aborted' }`, no byte
   * is lost (data that arrives later goes to the next read) and the flow
   * stays usable. A signal that has already fired cancels at once.
   */
  readonly signal?: AbortSignal;
}

/** Options for {@link Flow.close}. */
export interface CloseOptions {
  /**
   * Bounds the wait for the remote's close. When it fires, the flow is
   * aborted (as by {@link Flow.abort}) and `close` resolves, so a peer that
   * never closes cannot hold resources forever.
   */
  readonly signal?: AbortSignal;
}

/**
 * A reliable, ordered, bidirectional byte stream to one remote endpoint:
 * MirageOS's `FLOW` in TypeScript. Protocol code written against `Flow` runs
 * over every flowkit transport unchanged.
 *
 * States, as seen from one end:
 *
 * - **open**: both directions work.
 * - **write-closed**: this end called {@link Flow.closeWrite} (or
 *   {@link Flow.close}); writes return `closed`, reads still deliver the
 *   remote's data until its `EOF`.
 * - **read-done**: the remote closed; reads return buffered data, then `EOF`
 *   forever; writes still work until this end closes.
 * - **closed**: both ends closed (`close` has resolved), or the flow failed or
 *   was aborted. Writes return `closed`. After a clean close or a failure,
 *   reads return what was already received, then `EOF` or the error; after
 *   `abort()`, reads return an error at once.
 *
 * No method throws for I/O and no returned promise rejects. Methods may be
 * called concurrently: reads are served in call order, writes are sent in
 * call order.
 */
export interface Flow {
  /**
   * Waits until data is available and returns a fresh buffer of at least one
   * byte, of a size convenient to the transport. The buffer is the caller's
   * to keep.
   *
   * - After the remote closed: buffered and in-flight data first, then `EOF`,
   *   and `EOF` again on every later read.
   * - After an error (reset, truncation…): data received before it, then the
   *   error, on this and every later read.
   * - After {@link Flow.abort}: pending and later reads resolve with an error.
   * - Cancelled by `options.signal`: resolves `{ type: 'aborted' }`, loses
   *   nothing, and the flow stays usable.
   */
  read(options?: ReadOptions): Promise<ReadResult>;

  /**
   * Sends `buffer`. Resolves once the flow has accepted it, which is not
   * proof that the remote has read it. Waits while the transport's buffer is
   * full (backpressure), so a writer that awaits each write uses bounded
   * memory.
   *
   * The flow may hand `buffer` on without copying: do not modify or reuse it.
   * A zero-length write succeeds and sends nothing. Concurrent writes are sent
   * in call order. After `close()`, after `abort()` or once the remote is
   * gone: `{ ok: false, error: { type: 'closed' } }`.
   */
  write(buffer: Uint8Array): Promise<WriteResult>;

  /**
   * Sends `buffers` in order, as one operation where the transport can (one
   * syscall, one batch of TLS records). Same rules as {@link Flow.write}; an
   * empty list, or a list of empty buffers, succeeds and sends nothing.
   */
  writev(buffers: readonly Uint8Array[]): Promise<WriteResult>;

  /**
   * The half-close on its own (mirage-flow's `shutdown` of the write side,
   * Deno's `closeWrite`, tokio's `shutdown`, Node's `socket.end()`): flushes
   * every write accepted before the call, then sends end-of-stream (TCP FIN,
   * TLS close_notify then the inner flow's `closeWrite`, EOF on memory).
   *
   * - Resolves `ok` once the end-of-stream was handed to the transport, or
   *   with the {@link WriteError} that stopped the flush (the remote reset,
   *   the flow was aborted).
   * - Idempotent: every call resolves with the same result.
   * - Afterwards `write` and `writev` return `closed`; `read` goes on
   *   delivering the remote's data until its `EOF`.
   * - A transport that cannot half-close never reports one that did not
   *   happen: it resolves with an error instead (and says so in its README).
   *
   * Does not wait for the remote; {@link Flow.close} does. Never rejects.
   */
  closeWrite(): Promise<WriteResult>;

  /**
   * {@link Flow.closeWrite}, then waiting for the remote's end, then
   * release. Flushes pending writes, then signals end-of-stream to the remote (a
   * half-close: the remote reads `EOF`), then waits until the remote has
   * closed too; at that point both directions are done and the transport's
   * resources are freed. Between the call and the remote's close, `read`
   * still works, and must be called if the remote has more to send than the
   * transport buffers (the remote's close is queued behind its data).
   *
   * Idempotent: every call resolves at the same moment. Never rejects. With
   * `options.signal`, when the signal fires first the flow is aborted and
   * `close` resolves. After `abort()` or a failure, resolves at once.
   */
  close(options?: CloseOptions): Promise<void>;

  /**
   * Tears the flow down at once: a TCP RST where the transport has one,
   * unsent data is dropped. Pending and later reads resolve
   * `{ type: 'aborted' }`, pending and later writes resolve `closed`, every
   * pending `close` resolves. Safe to call any number of times, in any state.
   *
   * @param reason - kept as the `cause` of the errors it produces.
   */
  abort(reason?: unknown): void;
}
