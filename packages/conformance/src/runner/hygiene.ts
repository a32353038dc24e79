import { describeValue } from '../support/assert.js';
import type { CallTrace } from './trace.js';

/** What a case's watch saw: nothing, or the first stray error. */
export interface Stray {
  /** `unhandled rejection` or `uncaught exception`. */
  readonly kind: string;
  /** The rejection reason or the thrown value. */
  readonly error: unknown;
}

/** Node, Bun and Deno's `process` events, typed structurally (no Node types here). */
interface ProcessEvents {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
  listeners(event: string): ((...args: unknown[]) => void)[];
  removeAllListeners(event: string): unknown;
}

function processEvents(): ProcessEvents | undefined {
  const p = (globalThis as { process?: Partial<ProcessEvents> }).process;
  if (
    typeof p?.on === 'function' &&
    typeof p.off === 'function' &&
    typeof p.listeners === 'function' &&
    typeof p.removeAllListeners === 'function'
  )
    return p as ProcessEvents;
  return undefined;
}

const processKinds = { unhandledRejection: 'unhandled rejection', uncaughtException: 'uncaught exception' };

/**
 * Watches for unhandled rejections and uncaught exceptions while one case
 * runs; `stop()` ends the watch and returns the first one seen.
 *
 * - Where `process` has events (Node, Bun, Deno), the watch takes over the
 *   `unhandledRejection` and `uncaughtException` listeners for the case and
 *   puts the previous ones back afterwards. The stray error fails the case
 *   instead of the whole file, so the test runner's own handler must not also
 *   report it.
 * - Elsewhere (browsers) it listens for `unhandledrejection` and `error` on
 *   `globalThis` and calls `preventDefault()`.
 * - With neither, nothing is watched; {@link hygieneAvailable} says so.
 */
export function watchCase(): { stop(): Stray | undefined } {
  let first: Stray | undefined;
  const see = (kind: string, error: unknown): void => {
    first ??= { kind, error };
  };
  const proc = processEvents();
  if (proc !== undefined) {
    const saved = new Map<string, ((...args: unknown[]) => void)[]>();
    const ours = new Map<string, (...args: unknown[]) => void>();
    for (const [event, kind] of Object.entries(processKinds)) {
      saved.set(event, proc.listeners(event));
      proc.removeAllListeners(event);
      const listener = (error: unknown): void => see(kind, error);
      ours.set(event, listener);
      proc.on(event, listener);
    }
    return {
      stop() {
        for (const [event, listener] of ours) proc.off(event, listener);
        for (const [event, listeners] of saved) for (const l of listeners) proc.on(event, l);
        return first;
      },
    };
  }
  const target = globalThis as Partial<EventTarget>;
  if (typeof target.addEventListener === 'function' && typeof target.removeEventListener === 'function') {
    const onRejection = (e: Event): void => {
      e.preventDefault();
      see('unhandled rejection', (e as PromiseRejectionEvent).reason);
    };
    const onError = (e: Event): void => {
      e.preventDefault();
      see('uncaught exception', (e as ErrorEvent).error ?? (e as ErrorEvent).message);
    };
    target.addEventListener('unhandledrejection', onRejection);
    target.addEventListener('error', onError);
    return {
      stop() {
        target.removeEventListener?.('unhandledrejection', onRejection);
        target.removeEventListener?.('error', onError);
        return first;
      },
    };
  }
  return { stop: () => undefined };
}

/** Whether this runtime lets {@link watchCase} see stray errors. */
export function hygieneAvailable(): boolean {
  return processEvents() !== undefined || typeof globalThis.addEventListener === 'function';
}

/**
 * Lets the runtime report rejections that became unhandled during the case:
 * Node reports them after the microtask queue drains, browsers in a later
 * task. Two timer turns cover both.
 */
export async function settleStrays(): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise<void>((resolve) => setTimeout(resolve, 0));
}

/** The message that fails a case for `stray`, naming the flow calls made just before it. */
export function strayMessage(stray: Stray, trace: CallTrace): string {
  const calls = trace.describe();
  const where = calls === undefined ? '' : ` (the last flow calls before it: ${calls})`;
  return `${stray.kind} during the case${where}: ${describeValue(stray.error)}`;
}
