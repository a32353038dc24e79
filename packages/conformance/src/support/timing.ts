import { ConformanceError } from './assert.js';

/**
 * Resolves after `ms` milliseconds. The timer is always cleared or fired, so
 * nothing is left open.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Waits for `promise`, but at most `ms` milliseconds: past that it throws a
 * {@link ConformanceError} saying `what` hung. The timer is cleared either
 * way; a late rejection of `promise` is swallowed (the caller already failed).
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ConformanceError(`${what}: no result within ${ms} ms`)), ms);
  });
  promise.catch(() => {});
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What {@link settlesWithin} saw. */
export type Settled<T> = { readonly settled: true; readonly value: T } | { readonly settled: false };

/**
 * Waits up to `ms` milliseconds for `promise` without failing when it does
 * not settle: used to prove that something is still pending (a stalled write,
 * a `close` waiting for the remote). A rejection is rethrown.
 */
export async function settlesWithin<T>(promise: Promise<T>, ms: number): Promise<Settled<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ settled: false }), ms);
  });
  try {
    return await Promise.race([promise.then((value): Settled<T> => ({ settled: true, value })), pending]);
  } finally {
    clearTimeout(timer);
  }
}

/** Milliseconds left until `deadline` (a `Date.now()` value), at least 1. */
export function remaining(deadline: number): number {
  return Math.max(1, deadline - Date.now());
}
