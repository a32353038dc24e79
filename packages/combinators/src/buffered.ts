import type { Flow, ReadOptions, ReadResult } from '@flowkit/flow-types';
import { checkBytes, checkFlow, ForwardingFlow } from '@flowkit/kernel';

/**
 * A {@link Flow} with a pushback buffer in front of its reads, so bytes read
 * too far can be returned to it. {@link readExactly} needs one: a transport
 * hands out buffers of its own size, so the last read usually goes past `n`,
 * and the surplus must stay readable rather than be dropped.
 *
 * It is a `Flow` itself (pass it to {@link copy}, {@link chunks}, protocol
 * code): `read` returns pushed-back buffers first, in order, then reads the
 * inner flow. `write`, `writev`, `closeWrite`, `close` and `abort` go straight to the inner
 * flow. After `abort()`, pushed-back bytes are dropped, as the inner flow
 * drops its own.
 */
export interface BufferedFlow extends Flow {
  /** The flow this one reads from and writes to. */
  readonly inner: Flow;
  /** Bytes waiting in the pushback buffer (returned before any inner read). */
  readonly buffered: number;
  /**
   * Puts `buffer` back in front of the stream: the next `read` returns it
   * before anything else. Later `unread` calls go in front of earlier ones.
   * A zero-length buffer is ignored. A read already waiting on the inner flow
   * does not see it; the next one does.
   */
  unread(buffer: Uint8Array): void;
}

class Buffered extends ForwardingFlow implements BufferedFlow {
  // The base keeps `inner` protected; a BufferedFlow shows it.
  declare readonly inner: Flow;
  // Front of the stream first.
  #pushback: Uint8Array[] = [];
  #aborted = false;

  get buffered(): number {
    let n = 0;
    for (const b of this.#pushback) n += b.byteLength;
    return n;
  }

  unread(buffer: Uint8Array): void {
    checkBytes(buffer, 'unread', 'buffer');
    if (buffer.byteLength > 0 && !this.#aborted) this.#pushback.unshift(buffer);
  }

  override read(options?: ReadOptions): Promise<ReadResult> {
    const next = this.#pushback.shift();
    if (next !== undefined) return Promise.resolve({ ok: true, value: next });
    return this.inner.read(options);
  }

  override abort(reason?: unknown): void {
    this.#aborted = true;
    this.#pushback = [];
    this.inner.abort(reason);
  }
}

/**
 * Wraps `flow` in a {@link BufferedFlow}. Wrapping a `BufferedFlow` again
 * returns it unchanged, so every helper shares one pushback buffer. Throws a
 * `TypeError` naming `flow` when it is not a flow.
 */
export function buffered(flow: Flow): BufferedFlow {
  checkFlow(flow, 'buffered', 'flow');
  return isBuffered(flow) ? flow : new Buffered(flow);
}

/** Whether `flow` is a {@link BufferedFlow} made by {@link buffered}. */
export function isBuffered(flow: Flow): flow is BufferedFlow {
  return flow instanceof Buffered;
}
