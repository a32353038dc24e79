import { EOF, type Flow, type ReadOptions, type ReadResult } from '@flowkit/flow-types';
import { ForwardingFlow } from '@flowkit/kernel';

/**
 * A {@link Flow} that counts the bytes read from it and reports each read,
 * for `--progress` and `--timeout`. Every other method, `closeWrite`
 * included, is the inner flow's (the kernel's {@link ForwardingFlow}).
 */
export class MeteredFlow extends ForwardingFlow {
  /** Bytes read from the inner flow so far. */
  bytesRead = 0;
  readonly #onActivity: () => void;

  constructor(inner: Flow, onActivity: () => void) {
    super(inner);
    this.#onActivity = onActivity;
  }

  override async read(options?: ReadOptions): Promise<ReadResult> {
    const r = await this.inner.read(options);
    if (r.ok && r.value !== EOF) {
      this.bytesRead += r.value.byteLength;
      this.#onActivity();
    }
    return r;
  }
}
