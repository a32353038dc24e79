/** A signal by shape that counts its 'abort' listeners; see {@link countingSignal}. */
export interface CountingSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: string, listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: string, listener: () => void): void;
  /** Fires 'abort' with `reason` (again, if called twice: a late event from a broken polyfill). */
  fire(reason?: unknown): void;
  /** 'abort' listeners still registered. */
  readonly listeners: number;
  /** The same object, typed for an API that takes an `AbortSignal`. */
  readonly signal: AbortSignal;
}

/**
 * A signal by shape (as polyfills and signals from another realm are: the
 * kernel's `isAbortSignal` accepts it) that keeps its 'abort' listeners the
 * way EventTarget does — a `once` listener leaves when the event fires — so a
 * test can count the listeners an API left behind. With `removable: false`
 * its `removeEventListener` does nothing, so a listener the API already let
 * go of can still fire late. With `reasonThrows`, reading `reason` throws it.
 */
export function countingSignal(
  options: { readonly removable?: boolean; readonly reasonThrows?: unknown } = {},
): CountingSignal {
  const listeners = new Set<{ fn: () => void; once: boolean }>();
  let aborted = false;
  let reason: unknown;
  const s: CountingSignal = {
    get aborted() {
      return aborted;
    },
    get reason() {
      if (options.reasonThrows !== undefined) throw options.reasonThrows;
      return reason;
    },
    addEventListener(type, fn, opts) {
      if (type === 'abort') listeners.add({ fn, once: opts?.once === true });
    },
    removeEventListener(type, fn) {
      if (type !== 'abort' || options.removable === false) return;
      for (const l of listeners) if (l.fn === fn) listeners.delete(l);
    },
    fire(why) {
      aborted = true;
      reason = why;
      for (const l of [...listeners]) {
        if (l.once) listeners.delete(l);
        l.fn();
      }
    },
    get listeners() {
      return listeners.size;
    },
    get signal() {
      return s as unknown as AbortSignal;
    },
  };
  return s;
}
