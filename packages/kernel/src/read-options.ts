import { err, type InvalidOptionError, ok, type Result } from '@flowkit/flow-types';
import { invalidOption } from './invalid-option.js';
import type { OptionReader } from './option-readers.js';
import { show } from './show.js';

/** Option name → the reader that checks it. */
export type OptionTable = { readonly [name: string]: OptionReader<unknown> };

/** What {@link readOptions} returns for a table: every option optional, read-only. */
export type OptionsOf<T extends OptionTable> = {
  readonly [K in keyof T]?: T[K] extends OptionReader<infer V> ? V : never;
};

/** Where the options come from, for messages. */
export interface ReadOptionsContext {
  /** Prefixed to every option name in errors, e.g. `'tls.'` gives `tls.key`. Default `''`. */
  readonly prefix?: string;
  /** The name reported when the options value itself is not an object. Default `'options'`. */
  readonly name?: string;
}

/**
 * Reads the options an entry point knows from an untrusted value, by a table
 * of readers. The one way flowkit reads options:
 *
 * - Only OWN properties count. A property inherited from a polluted
 *   `Object.prototype` is not seen, so it changes nothing.
 * - Each property is read exactly once: a data property's value, or a
 *   getter called once. A getter or Proxy trap that throws becomes an
 *   `invalid-option` naming that option, never an exception.
 * - `undefined` counts as absent. Options not in the table are ignored (as
 *   Node does; TypeScript flags them at compile time).
 * - `input` `undefined` reads as no options; anything else that is not an
 *   object is an `invalid-option` error.
 * - The result is a frozen object with a `null` prototype, holding only the
 *   options present.
 */
export function readOptions<T extends OptionTable>(
  input: unknown,
  table: T,
  context: ReadOptionsContext = {},
): Result<OptionsOf<T>, InvalidOptionError> {
  const prefix = context.prefix ?? '';
  const out: Record<string, unknown> = Object.create(null);
  if (input === undefined) return ok(Object.freeze(out) as OptionsOf<T>);
  if (typeof input !== 'object' || input === null) {
    const name = context.name ?? (prefix === '' ? 'options' : prefix.replace(/\.$/, ''));
    return err(invalidOption(name, `must be an object, got ${show(input)}`));
  }
  for (const key of Object.keys(table)) {
    const option = prefix + key;
    let value: unknown;
    try {
      const descriptor = Object.getOwnPropertyDescriptor(input, key);
      if (descriptor === undefined) continue;
      value = descriptor.get !== undefined ? descriptor.get.call(input) : descriptor.value;
    } catch (cause) {
      return err(invalidOption(option, 'could not be read: reading it threw', cause));
    }
    if (value === undefined) continue;
    const read = (table[key] as OptionReader<unknown>)(value, option);
    if (!read.ok) return read;
    out[key] = read.value;
  }
  return ok(Object.freeze(out) as OptionsOf<T>);
}
