import type { ConnectError } from '@flowkit/flow-types';
import { cancelled } from './cancelled.js';

/** What bounds one connection attempt: the dial options' `timeout` (ms) and `signal`. */
export interface AttemptBounds {
  readonly timeout?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Arms the bounds of one connection attempt to `label`: `fail` gets a
 * `timeout` error once `timeout` ms have passed, and the signal's
 * {@link cancelled} error when it aborts. Returns the disarm function, which
 * the attempt calls as soon as it settles, whichever way, so no timer or
 * listener outlives it. The caller checks an already-aborted signal first.
 */
export function armAttemptBounds(
  bounds: AttemptBounds,
  label: string,
  fail: (error: ConnectError) => void,
): () => void {
  const { timeout, signal } = bounds;
  const onAbort = (): void => fail(cancelled(signal!.reason, label));
  const timer =
    timeout === undefined
      ? undefined
      : setTimeout(
          () =>
            fail({
              type: 'timeout',
              message: `WebSocket connection to ${label} timed out after ${timeout} ms`,
            }),
          timeout,
        );
  signal?.addEventListener('abort', onAbort, { once: true });
  return () => {
    if (timer !== undefined) clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  };
}
