/** What {@link untilAborted} resolves with when the signal wins. */
export const ABORTED: unique symbol = Symbol('aborted');

/**
 * Waits for `promise`, or for `signal` to fire, whichever comes first. The
 * losing promise is left to settle on its own (flow promises never reject), and
 * the abort listener is always removed so a long-lived signal does not collect
 * one listener per call.
 */
export function untilAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
): Promise<T | typeof ABORTED> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        // Flow promises never reject: a rejection is a bug in the transport,
        // so it is passed on as the programming error it is.
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Combines optional signals; `undefined` when there are none. */
export function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return AbortSignal.any(present);
}
