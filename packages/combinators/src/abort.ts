/** What {@link untilAborted} resolves with when the signal wins. */
export const ABORTED: unique symbol = Symbol('aborted');

/**
 * Waits for `promise`, or for `signal` to fire, whichever comes first. The
 * losing promise is left to settle on its own (guarded flow calls never reject), and
 * the abort listener is always removed so a long-lived signal does not collect
 * one listener per call. `signal` is an internal one (see {@link follow}).
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
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
        // copy hands it the kernel's guarded calls, which never reject; any
        // other rejection is a bug of the caller's, passed on as such.
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** An internal signal that follows the caller's; {@link follow} makes one. */
export interface Followed {
  /** Fires when the caller's signal fires (with its reason), or on {@link Followed.abort}. */
  readonly signal: AbortSignal;
  /** Whether the caller's signal is what fired `signal`. */
  readonly byCaller: boolean;
  /** Fires `signal` for an internal reason (not the caller's). */
  abort(reason?: unknown): void;
  /** Stops listening to the caller's signal. Idempotent. */
  dispose(): void;
}

/**
 * Follows the caller's signal with a combinator's own `AbortController`.
 * The caller's signal passed the kernel's shape check (a polyfill or a
 * signal from another realm is fine), so it is touched only here, once, at
 * the call: every later check and `AbortSignal.any` works on a real,
 * internal signal. A signal whose `addEventListener` throws is a
 * programming error: a `TypeError` naming `options.signal`, at the call.
 */
export function follow(method: string, callerSignal: AbortSignal | undefined): Followed {
  const controller = new AbortController();
  let byCaller = false;
  let dispose = (): void => {};
  if (callerSignal !== undefined) {
    const onAbort = (): void => {
      byCaller = !controller.signal.aborted;
      let reason: unknown;
      try {
        reason = callerSignal.reason;
      } catch (e) {
        reason = e;
      }
      controller.abort(reason);
    };
    try {
      if (callerSignal.aborted) onAbort();
      else {
        callerSignal.addEventListener('abort', onAbort, { once: true });
        dispose = () => {
          dispose = () => {};
          try {
            callerSignal.removeEventListener('abort', onAbort);
          } catch {
            // Nothing to undo: the listener is once-only and harmless.
          }
        };
      }
    } catch (cause) {
      throw new TypeError(`${method}: options.signal is not a usable AbortSignal (it threw)`, { cause });
    }
  }
  return {
    signal: controller.signal,
    get byCaller() {
      return byCaller;
    },
    abort: (reason) => controller.abort(reason),
    dispose: () => dispose(),
  };
}
