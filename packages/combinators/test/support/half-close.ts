import type { Flow, WriteResult } from '@flowkit/flow-types';
import { ForwardingFlow } from '@flowkit/kernel';

/**
 * `inner` with its `closeWrite()` replaced (everything else forwarded), to
 * give combinators a half-close that fails or stalls on demand. `calls`
 * counts the replacement's calls.
 */
export class WithCloseWrite extends ForwardingFlow {
  calls = 0;
  readonly #closeWrite: () => Promise<WriteResult>;

  constructor(inner: Flow, closeWrite: () => Promise<WriteResult>) {
    super(inner);
    this.#closeWrite = closeWrite;
  }

  override closeWrite(): Promise<WriteResult> {
    this.calls += 1;
    return this.#closeWrite();
  }
}

/** A {@link WithCloseWrite} over `inner`. */
export function withCloseWrite(inner: Flow, closeWrite: () => Promise<WriteResult>): WithCloseWrite {
  return new WithCloseWrite(inner, closeWrite);
}
