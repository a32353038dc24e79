import { setTimeout as delay } from 'node:timers/promises';

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return delay(ms).then(() => undefined);
}

/** Runs a full collection when the process was started with `--expose-gc`; otherwise does nothing. */
export function collect(): void {
  const gc = globalThis.gc;
  if (gc === undefined) return;
  // Two passes: the first may only promote objects that the second frees.
  gc();
  gc();
}

/** True when `global.gc` exists, so memory figures are taken after a real collection. */
export const gcAvailable = (): boolean => globalThis.gc !== undefined;

/** Why a sample could not produce a number. */
export class SampleFailure extends Error {
  override readonly name = 'SampleFailure';
}

/**
 * Races `task` against a timer. On timeout `onTimeout` runs (it should tear
 * the sockets down, so the task settles too) and the result is a failure.
 * The timer is always cleared, so nothing is left pending.
 */
export async function bounded<T>(task: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new SampleFailure(`no result within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([task, timeout]);
  } finally {
    clearTimeout(timer);
    // The losing side must not become an unhandled rejection.
    task.catch(() => {});
    timeout.catch(() => {});
  }
}

/** Progress goes to stderr: one rewritten line on a terminal, one line per step otherwise. */
export function progress(text: string): void {
  if (process.stderr.isTTY === true) process.stderr.write(`\r\x1b[K${text}`);
  else process.stderr.write(`${text}\n`);
}

/** Ends the rewritten progress line, if there is one. */
export function progressDone(): void {
  if (process.stderr.isTTY === true) process.stderr.write('\r\x1b[K');
}

/** The message of anything thrown. */
export function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
