import { err, type InvalidOptionError, ok, type Result } from '@flowkit/flow-types';
import { invalidOption } from './invalid-option.js';
import { show } from './show.js';
import { isAbortSignal } from './signal.js';

/**
 * Checks one option's value. `option` is the name to report (with any
 * prefix, e.g. `tls.key`). Returns the value to keep (possibly normalised)
 * or an `invalid-option` error that says why. Never throws, never runs
 * caller code beyond what it documents.
 */
export type OptionReader<T> = (value: unknown, option: string) => Result<T, InvalidOptionError>;

/** The longest delay timers honour (2^31 − 1 ms, about 24.8 days); a longer one fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

function bad(option: string, expected: string, value: unknown): Result<never, InvalidOptionError> {
  return err(invalidOption(option, `must be ${expected}, got ${show(value)}`));
}

/** An integer in `[min, max]` (defaults: 0 and `Number.MAX_SAFE_INTEGER`). Rejects 1.5, NaN, strings. */
export function integer(range: { readonly min?: number; readonly max?: number } = {}): OptionReader<number> {
  const min = range.min ?? 0;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const expected = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer ${min}–${max}`;
  return (value, option) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
      ? ok(value)
      : bad(option, expected, value);
}

/** A TCP/UDP port: an integer 0–65535, or 1–65535 with `{ allowZero: false }` (for dialing). */
export function port(options: { readonly allowZero?: boolean } = {}): OptionReader<number> {
  return integer({ min: options.allowZero === false ? 1 : 0, max: 65535 });
}

/** A host name or IP literal: a non-empty string without white space or NUL. */
export function host(): OptionReader<string> {
  return (value, option) =>
    typeof value === 'string' && value !== '' && !/[\s\0]/.test(value)
      ? ok(value)
      : bad(option, 'a non-empty host name or IP address', value);
}

/** `true` or `false`; nothing else (not 0, not `'false'`). */
export function boolean(): OptionReader<boolean> {
  return (value, option) => (typeof value === 'boolean' ? ok(value) : bad(option, 'true or false', value));
}

/** A string; with `nonEmpty` not `''`. A NUL byte is refused unless `allowNul` (paths and names cannot hold one). */
export function text(
  options: { readonly nonEmpty?: boolean; readonly allowNul?: boolean } = {},
): OptionReader<string> {
  const expected = options.nonEmpty ? 'a non-empty string' : 'a string';
  return (value, option) => {
    if (typeof value !== 'string' || (options.nonEmpty && value === '')) return bad(option, expected, value);
    if (!options.allowNul && value.includes('\0'))
      return err(invalidOption(option, 'must not contain a NUL byte'));
    return ok(value);
  };
}

/** One of the given literal values. */
export function oneOf<const T extends string | number | boolean>(values: readonly T[]): OptionReader<T> {
  const expected = `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  return (value, option) => (values.includes(value as T) ? ok(value as T) : bad(option, expected, value));
}

/** An `AbortSignal`, checked by shape with {@link isAbortSignal} (the one signal check). */
export function signal(): OptionReader<AbortSignal> {
  return (value, option) => (isAbortSignal(value) ? ok(value) : bad(option, 'an AbortSignal', value));
}

/** A duration in milliseconds: a finite number > 0 and ≤ {@link MAX_TIMER_MS}. */
export function timeout(): OptionReader<number> {
  return (value, option) =>
    typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= MAX_TIMER_MS
      ? ok(value)
      : bad(option, `a number of milliseconds > 0 and ≤ ${MAX_TIMER_MS} (about 24.8 days)`, value);
}

/** A function (a callback or hook). */
export function func<
  F extends (...args: never[]) => unknown = (...args: never[]) => unknown,
>(): OptionReader<F> {
  return (value, option) => (typeof value === 'function' ? ok(value as F) : bad(option, 'a function', value));
}

/** An object (not null, not a function); read its fields with a nested `readOptions` and a prefix. */
export function object(): OptionReader<object> {
  return (value, option) =>
    typeof value === 'object' && value !== null ? ok(value) : bad(option, 'an object', value);
}

/** PEM material as TLS takes it: a string or bytes. */
export type Pem = string | Uint8Array;

/**
 * PEM material: a non-empty string or `Uint8Array`, or a non-empty array of
 * them with no empty element. An empty key or certificate is refused here,
 * before any I/O, instead of binding a listener whose every handshake fails.
 */
export function pem(): OptionReader<Pem | readonly Pem[]> {
  const nonEmpty = (v: unknown): boolean =>
    (typeof v === 'string' && v.trim() !== '') || (v instanceof Uint8Array && v.byteLength > 0);
  return (value, option) => {
    if (nonEmpty(value)) return ok(value as Pem);
    if (Array.isArray(value) && value.length > 0 && value.every(nonEmpty))
      return ok(Object.freeze([...value]) as Pem[]);
    return bad(option, 'non-empty PEM text or bytes (or a non-empty array of them)', value);
  };
}

/**
 * An option that is never accepted: a side door around a secure default
 * (`rejectUnauthorized` on TLS…). Any present value is refused with
 * `reason`, so a caller cannot slip it through.
 */
export function refused(reason: string): OptionReader<never> {
  return (_value, option) => err(invalidOption(option, `is not accepted: ${reason}`));
}

/** Any value, kept as it is (for options a lower layer checks). */
export function any(): OptionReader<unknown> {
  return (value) => ok(value);
}
