import { show } from './show.js';

/**
 * THE one `AbortSignal` check of flowkit. A signal is recognised by its
 * shape (`aborted` boolean, `addEventListener`/`removeEventListener`
 * functions), so signals from another realm, a polyfill or an older
 * `abort-controller` package all pass, on every entry point alike. Reading
 * the shape never throws: a Proxy or a throwing getter is "not a signal".
 */
export function isAbortSignal(value: unknown): value is AbortSignal {
  if (typeof value !== 'object' || value === null) return false;
  try {
    const s = value as AbortSignal;
    return (
      typeof s.aborted === 'boolean' &&
      typeof s.addEventListener === 'function' &&
      typeof s.removeEventListener === 'function'
    );
  } catch {
    return false;
  }
}

/**
 * The `signal` of a `read` or `close` options object, as every flow reads
 * it: an own property only (an `Object.prototype.signal` planted by
 * pollution is no signal), its getter run once, `undefined` when absent or
 * when `options` is `undefined` or `null`. A value that is not an
 * `AbortSignal`, or `options` that is not an object (`read(5)`), is the
 * caller's programming error: a `TypeError` naming `options.signal` or
 * `options`, thrown at the call.
 *
 * @param method - the flow method, for the message (`read`, `close`).
 */
export function signalOption(
  options: { readonly signal?: AbortSignal | undefined } | undefined,
  method: string,
): AbortSignal | undefined {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object') {
    throw new TypeError(`${method}: options must be an object, got ${show(options)}`);
  }
  if (!Object.hasOwn(options, 'signal')) return undefined;
  const signal: unknown = options.signal;
  if (signal === undefined) return undefined;
  if (!isAbortSignal(signal)) {
    throw new TypeError(`${method}: options.signal must be an AbortSignal, got ${show(signal)}`);
  }
  return signal;
}

/**
 * Bounds a pending `close()` by `signal`, as every flowkit flow's
 * `close({ signal })` does: if the signal fires before `closing` settles,
 * `abort(signal.reason)` runs (at once when it has already fired). The
 * listener is removed once `closing` settles, so one long-lived signal shared
 * by many closes keeps none of them alive.
 */
export function abortOnSignal(
  signal: AbortSignal | undefined,
  closing: Promise<unknown>,
  abort: (reason: unknown) => void,
): void {
  if (signal === undefined) return;
  if (signal.aborted) {
    abort(signal.reason);
    return;
  }
  const onAbort = (): void => abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  void closing.then(() => signal.removeEventListener('abort', onAbort));
}
