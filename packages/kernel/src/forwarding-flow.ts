import type { CloseOptions, Flow, ReadOptions, ReadResult, WriteResult } from '@flowkit/flow-types';

/**
 * A flow that forwards every method to an inner flow: the base of every
 * pass-through layer (a byte meter, a flow that failed its handshake, a
 * protocol wrapper that only changes writes). Subclass it and override only
 * what differs; the rest keeps the inner flow's exact semantics.
 */
export class ForwardingFlow<F extends Flow = Flow> implements Flow {
  /** The flow this one forwards to. */
  protected readonly inner: F;

  constructor(inner: F) {
    this.inner = inner;
  }

  read(options?: ReadOptions): Promise<ReadResult> {
    return this.inner.read(options);
  }

  write(buffer: Uint8Array): Promise<WriteResult> {
    return this.inner.write(buffer);
  }

  writev(buffers: readonly Uint8Array[]): Promise<WriteResult> {
    return this.inner.writev(buffers);
  }

  closeWrite(): Promise<WriteResult> {
    return this.inner.closeWrite();
  }

  close(options?: CloseOptions): Promise<void> {
    return this.inner.close(options);
  }

  abort(reason?: unknown): void {
    this.inner.abort(reason);
  }
}
