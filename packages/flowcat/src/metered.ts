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

  // Not async: a TypeError the inner read throws at the call (a bad signal)
  // must reach the caller there, not as a rejected promise.
  override read(options?: ReadOptions): Promise<ReadResult> {
    return this.inner.read(options).then((r) => {
      if (r.ok && r.value !== EOF) {
        this.bytesRead += r.value.byteLength;
        this.#onActivity();
      }
      return r;
    });
  }
}
