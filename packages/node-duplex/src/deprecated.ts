import type { InvalidOptionError } from '@flowkit/flow-types';
import { any, type OptionReader, readOptions as readTable, timeout } from '@flowkit/kernel';

// Kept only until @flowkit/tls moves to the kernel's option tables; thin
// wrappers over @flowkit/kernel, so there is still one option check.

export { abortOnSignal } from '@flowkit/kernel';

/**
 * @deprecated Use `readOptions` of `@flowkit/kernel` with a table. Reads the
 * own properties named in `keys` (each once) into a plain object.
 */
export function readOptions<K extends string>(
  value: unknown,
  keys: readonly K[],
):
  | { readonly ok: true; readonly options: { [P in K]?: unknown } }
  | { readonly ok: false; readonly error: InvalidOptionError } {
  const table: Record<string, OptionReader<unknown>> = {};
  for (const key of keys) table[key] = any();
  // The old readers took `null` and primitives as "not an object"; so does the table's.
  const read = readTable(value === undefined ? null : value, table);
  return read.ok ? { ok: true, options: { ...read.value } as { [P in K]?: unknown } } : read;
}

/** @deprecated Use the `timeout()` reader of `@flowkit/kernel`. `undefined` passes. */
export function checkTimeout(value: unknown, option = 'timeout'): InvalidOptionError | undefined {
  if (value === undefined) return undefined;
  const read = timeout()(value, option);
  return read.ok ? undefined : read.error;
}
