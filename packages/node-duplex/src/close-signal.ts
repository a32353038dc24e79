/**
 * Bounds a pending `close()` by `signal`, the way every flowkit flow's
 * `close({ signal })` works: if the signal fires before `closing` settles,
 * `abort(signal.reason)` runs (at once when it has already fired). The
 * listener is removed once `closing` settles, so a long-lived signal shared
 * by many closes does not keep them alive.
 */
export function abortOnSignal(
  signal: AbortSignal | undefined,
  closing: Promise<void>,
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
