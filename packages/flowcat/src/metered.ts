import { EOF, type Flow, type ReadOptions, type ReadResult, type WriteResult } from '@flowkit/flow-types';

/**
 * A {@link Flow} that counts the bytes read from it and reports each read,
 * for `--progress` and `--timeout`. Everything else passes straight through.
 */
export class MeteredFlow implements Flow {
  /** Bytes read from the inner flow so far. */
  bytesRead = 0;
  readonly #inner: Flow;
  readonly #onActivity: () => void;

  constructor(inner: Flow, onActivity: () => void) {
    this.#inner = inner;
    this.#onActivity = onActivity;
  }

  async read(options?: ReadOptions): Promise<ReadResult> {
    const r = await this.#inner.read(options);
    if (r.ok && r.value !== EOF) {
      this.bytesRead += r.value.byteLength;
      this.#onActivity();
    }
    return r;
  }

  write(buffer: Uint8Array): Promise<WriteResult> {
    return this.#inner.write(buffer);
  }

  writev(buffers: readonly Uint8Array[]): Promise<WriteResult> {
    return this.#inner.writev(buffers);
  }

  close(options?: { signal?: AbortSignal }): Promise<void> {
    return this.#inner.close(options);
  }

  abort(reason?: unknown): void {
    this.#inner.abort(reason);
  }
}
