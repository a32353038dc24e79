// Object.prototype pollution for tests of "options are read as own
// properties only": define, run, and always remove again.

/** A plain writable value to plant on Object.prototype. */
export const value = (v: unknown): PropertyDescriptor => ({ value: v, writable: true });

function plant(descriptors: Record<string, PropertyDescriptor>, added: string[]): void {
  for (const [key, descriptor] of Object.entries(descriptors)) {
    Object.defineProperty(Object.prototype, key, { ...descriptor, configurable: true });
    added.push(key);
  }
}

function remove(added: readonly string[]): void {
  for (const key of added) delete (Object.prototype as Record<string, unknown>)[key];
}

/**
 * Calls `run` with `descriptors` defined on Object.prototype and removes
 * them as soon as `run` returns (a promise it returns may still be pending:
 * only what `run` does synchronously sees the pollution).
 */
export function polluted<T>(descriptors: Record<string, PropertyDescriptor>, run: () => T): T {
  const added: string[] = [];
  try {
    plant(descriptors, added);
    return run();
  } finally {
    remove(added);
  }
}

/** As {@link polluted}, removing `descriptors` only once the promise `run` returns has settled. */
export async function pollutedUntilSettled<T>(
  descriptors: Record<string, PropertyDescriptor>,
  run: () => Promise<T>,
): Promise<T> {
  const added: string[] = [];
  try {
    plant(descriptors, added);
    return await run();
  } finally {
    remove(added);
  }
}

/** What `promise` resolves to, or `undefined` after `ms`. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
