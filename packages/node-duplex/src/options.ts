import type { InvalidOptionError } from '@flowkit/flow-types';

/**
 * Option checks shared by every socket transport (tcp, unix, tls). Each
 * returns `undefined` when the value is acceptable and an
 * {@link InvalidOptionError} naming the option and the reason otherwise, so
 * callers chain them with `??` and report the first problem before any I/O.
 */

/** Describes a bad value for a message; safe for any value (symbols, BigInts, Proxies, null-prototype objects). */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  if (typeof value === 'function') return 'a function';
  return `a ${typeof value}`;
}

/**
 * Copies the options a transport knows (`keys`) from the caller's object
 * into a plain one, reading each property exactly once. Every later check
 * and use reads the copy, so caller code (a getter, a `Proxy` trap) runs
 * only here, and a getter that throws becomes an `invalid-option` error
 * naming that option instead of an exception or a rejected promise. Works
 * on `null`-prototype objects; `undefined` values are left out.
 */
export function readOptions<K extends string>(
  value: unknown,
  keys: readonly K[],
):
  | { readonly ok: true; readonly options: { [P in K]?: unknown } }
  | { readonly ok: false; readonly error: InvalidOptionError } {
  const problem = checkOptionsObject(value);
  if (problem !== undefined) return { ok: false, error: problem };
  const options: { [P in K]?: unknown } = {};
  for (const key of keys) {
    let v: unknown;
    try {
      v = (value as Record<string, unknown>)[key];
    } catch (cause) {
      return { ok: false, error: { ...invalidOption(key, 'could not be read: reading it threw'), cause } };
    }
    if (v !== undefined) options[key] = v;
  }
  return { ok: true, options };
}

/** Builds an `invalid-option` error. */
export function invalidOption(option: string, message: string): InvalidOptionError {
  return { type: 'invalid-option', option, message: `${option} ${message}` };
}

/**
 * A TCP port: an integer 0–65535. With `allowZero: false` (dialing), 1–65535.
 * Rejects 70000, -1, 1.5, NaN and non-numbers.
 */
export function checkPort(
  value: unknown,
  { option = 'port', allowZero = true }: { option?: string; allowZero?: boolean } = {},
): InvalidOptionError | undefined {
  const min = allowZero ? 0 : 1;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 65535) {
    return invalidOption(option, `must be an integer ${min}–65535, got ${show(value)}`);
  }
  return undefined;
}

/** A host name or IP literal: a non-empty string without spaces. Optional when `required` is false. */
export function checkHost(
  value: unknown,
  { option = 'host', required = false }: { option?: string; required?: boolean } = {},
): InvalidOptionError | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || /\s/.test(value)) {
    return invalidOption(option, `must be a non-empty host name or IP address, got ${show(value)}`);
  }
  return undefined;
}

/** A listen backlog: an integer ≥ 0 (connections). Optional. */
export function checkBacklog(value: unknown, option = 'backlog'): InvalidOptionError | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    return invalidOption(option, `must be an integer ≥ 0, got ${show(value)}`);
  }
  return undefined;
}

/** A duration in milliseconds: a finite number > 0. Optional. */
export function checkTimeout(value: unknown, option = 'timeout'): InvalidOptionError | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS) {
    return invalidOption(
      option,
      `must be a number of milliseconds > 0 and ≤ ${MAX_TIMER_MS} (about 24.8 days), got ${show(value)}`,
    );
  }
  return undefined;
}

/** The longest delay Node's timers honour; a longer one silently fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A non-negative integer (a byte count, a delay in ms). Optional. */
export function checkNonNegativeInteger(value: unknown, option: string): InvalidOptionError | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    return invalidOption(option, `must be an integer ≥ 0, got ${show(value)}`);
  }
  return undefined;
}

/** A positive integer (a byte count). Optional. */
export function checkPositiveInteger(value: unknown, option: string): InvalidOptionError | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    return invalidOption(option, `must be an integer > 0, got ${show(value)}`);
  }
  return undefined;
}

/** A boolean. Optional. */
export function checkBoolean(value: unknown, option: string): InvalidOptionError | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  return invalidOption(option, `must be true or false, got ${show(value)}`);
}

/**
 * An `AbortSignal` (checked by shape, so signals from another realm or a
 * polyfill pass). Optional. Rejects functions, plain objects and primitives.
 */
export function checkSignal(value: unknown, option = 'signal'): InvalidOptionError | undefined {
  if (value === undefined) return undefined;
  try {
    if (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as AbortSignal).aborted === 'boolean' &&
      typeof (value as AbortSignal).addEventListener === 'function' &&
      typeof (value as AbortSignal).removeEventListener === 'function'
    ) {
      return undefined;
    }
  } catch (cause) {
    // A Proxy or an object with throwing getters: not a signal.
    return { ...invalidOption(option, 'must be an AbortSignal; reading it threw'), cause };
  }
  return invalidOption(option, `must be an AbortSignal, got ${show(value)}`);
}

/** Checks that `options` is an object at all. */
export function checkOptionsObject(value: unknown, option = 'options'): InvalidOptionError | undefined {
  if (typeof value === 'object' && value !== null) return undefined;
  return invalidOption(option, `must be an object, got ${show(value)}`);
}
