/**
 * The opt-in leak check: handles and timers a case left open.
 *
 * - Handles (sockets, servers, pipes, child processes) are counted by kind
 *   with `process.getActiveResourcesInfo()` before and after the case. Where
 *   the runtime lacks it, the check is declared unavailable, never silently
 *   passed.
 * - Timers are not counted that way: the test runner's own timers come and
 *   go during a case, so a count cannot tell theirs from the transport's.
 *   Instead, while the case runs, `setTimeout`/`setInterval` on `globalThis`
 *   are wrapped to remember each referenced timer created meanwhile until it
 *   fires or is cleared; the originals are put back when the case ends.
 */

/** Handle kinds that count as leaks; others (the runner's own stdio pipes are baseline) do not. */
const watched = new Set([
  'TCPSocketWrap',
  'TCPServerWrap',
  'PipeWrap',
  'PipeServerWrap',
  'TLSWrap',
  'UDPWrap',
  'ProcessWrap',
]);

/** Whether the leak check can run here, and if not, why. */
export type LeakCheckSupport =
  | { readonly available: true }
  | { readonly available: false; readonly reason: string };

type TimerFn = (handler: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => unknown;
type ClearFn = (handle: unknown) => void;

interface TimerGlobals {
  setTimeout: TimerFn;
  setInterval: TimerFn;
  clearTimeout: ClearFn;
  clearInterval: ClearFn;
}

// Captured at load, before any case wraps them: the check's own waits use these.
const real = globalThis as unknown as TimerGlobals;
const realSetTimeout = real.setTimeout.bind(globalThis);
const realClearTimeout = real.clearTimeout.bind(globalThis);

function resourcesInfo(): (() => string[]) | undefined {
  const p = (globalThis as { process?: { getActiveResourcesInfo?: () => string[] } }).process;
  const f = p?.getActiveResourcesInfo;
  return typeof f === 'function' ? () => f.call(p) : undefined;
}

/**
 * Whether `info` (a `process.getActiveResourcesInfo`) really reports what is
 * open: it must list a referenced timer started for the probe as `Timeout`.
 * Bun has the function, but it returns `[]` whatever is open (Bun 1.4: no
 * timer, no listening server), so a check built on it would pass every leak.
 */
export function probeLeakCheckSupport(info: (() => string[]) | undefined): LeakCheckSupport {
  if (info === undefined)
    return { available: false, reason: 'this runtime has no process.getActiveResourcesInfo()' };
  const timer = realSetTimeout(() => {}, 60_000);
  let listed: boolean;
  try {
    listed = info().includes('Timeout');
  } catch {
    listed = false;
  } finally {
    realClearTimeout(timer);
  }
  return listed
    ? { available: true }
    : {
        available: false,
        reason:
          'process.getActiveResourcesInfo() does not report open handles here (a running timer was not listed)',
      };
}

let support: LeakCheckSupport | undefined;

/** Says whether the leak check works in this runtime (probed once, by {@link probeLeakCheckSupport}). */
export function leakCheckSupport(): LeakCheckSupport {
  support ??= probeLeakCheckSupport(resourcesInfo());
  return support;
}

/** Counts of open handles by kind. */
export type LeakCensus = ReadonlyMap<string, number>;

/** The open handles now, by kind (empty where the check is unavailable). */
export function leakCensus(): LeakCensus {
  const counts = new Map<string, number>();
  const info = resourcesInfo();
  if (info === undefined) return counts;
  for (const kind of info()) if (watched.has(kind)) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

function isReferenced(handle: unknown): boolean {
  const h = handle as { hasRef?: () => boolean } | null;
  return typeof h?.hasRef !== 'function' || h.hasRef();
}

/** A running leak watch; see {@link startLeakWatch}. */
export interface LeakWatch {
  /**
   * Waits up to `graceMs` for handles and timers to be released (closed
   * handles go on a later turn of the event loop), restores the timer
   * functions, and returns what is still open, for example
   * `['1 × TCPSocketWrap', 'setTimeout(60000 ms)']`; empty when nothing leaked.
   */
  stop(graceMs: number): Promise<string[]>;
}

/** Starts watching for leaks: takes the handle baseline and wraps the timer functions. */
export function startLeakWatch(): LeakWatch {
  const baseline = leakCensus();
  const g = globalThis as unknown as TimerGlobals;
  const saved: TimerGlobals = {
    setTimeout: g.setTimeout,
    setInterval: g.setInterval,
    clearTimeout: g.clearTimeout,
    clearInterval: g.clearInterval,
  };
  const pending = new Map<unknown, string>();
  g.setTimeout = (handler, ms, ...args) => {
    const handle = saved.setTimeout.call(
      globalThis,
      (...a: unknown[]) => {
        pending.delete(handle);
        if (typeof handler === 'function') handler(...a);
      },
      ms,
      ...args,
    );
    pending.set(handle, `setTimeout(${ms ?? 0} ms)`);
    return handle;
  };
  g.setInterval = (handler, ms, ...args) => {
    const handle = saved.setInterval.call(globalThis, handler, ms, ...args);
    pending.set(handle, `setInterval(${ms ?? 0} ms)`);
    return handle;
  };
  g.clearTimeout = (handle) => {
    pending.delete(handle);
    saved.clearTimeout.call(globalThis, handle);
  };
  g.clearInterval = (handle) => {
    pending.delete(handle);
    saved.clearInterval.call(globalThis, handle);
  };
  const open = (): string[] => {
    const out: string[] = [];
    for (const [kind, n] of leakCensus()) {
      const extra = n - (baseline.get(kind) ?? 0);
      if (extra > 0) out.push(`${extra} × ${kind}`);
    }
    for (const [handle, what] of pending) if (isReferenced(handle)) out.push(what);
    return out;
  };
  return {
    async stop(graceMs) {
      const deadline = Date.now() + graceMs;
      let leaked = open();
      while (leaked.length > 0 && Date.now() < deadline) {
        await new Promise<void>((resolve) => realSetTimeout(() => resolve(), 20));
        leaked = open();
      }
      Object.assign(g, saved);
      return leaked;
    },
  };
}
