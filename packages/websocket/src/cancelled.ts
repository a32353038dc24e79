import type { ConnectError } from '@flowkit/flow-types';

/** The dial was cancelled by its `signal`: `aborted`, or `timeout` when the reason is a `TimeoutError` (`AbortSignal.timeout()`). */
export function cancelled(reason: unknown, label: string): ConnectError {
  const timedOut = (reason as { name?: unknown } | null)?.name === 'TimeoutError';
  return {
    type: timedOut ? 'timeout' : 'aborted',
    message: `WebSocket connection to ${label} was ${timedOut ? 'timed out' : 'cancelled'} by its signal`,
    cause: reason,
  };
}
