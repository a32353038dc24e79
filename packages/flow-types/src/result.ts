/**
 * The outcome of an operation that can fail in an expected way.
 *
 * flowkit never throws for I/O: a refused connection, a reset, a write after
 * close are all values of this type. Only programming errors (calling an API
 * in a way its types forbid) throw.
 */
export type Result<T, E> = Ok<T> | Err<E>;

/** The success case of a {@link Result}. */
export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

/** The failure case of a {@link Result}. */
export interface Err<E> {
  readonly ok: false;
  readonly error: E;
}

const OK_VOID: Ok<void> = Object.freeze({ ok: true, value: undefined });

/**
 * Builds a success. `ok()` with no argument returns one shared frozen
 * `Ok<void>`, so the hot write path allocates nothing.
 */
export function ok(): Ok<void>;
export function ok<T>(value: T): Ok<T>;
export function ok<T>(value?: T): Ok<T | undefined> {
  return value === undefined ? (OK_VOID as Ok<undefined>) : { ok: true, value };
}

/** Builds a failure. */
export function err<E>(error: E): Err<E> {
  return { ok: false, error };
}

/**
 * End of stream: what `read` returns once the remote has closed and every
 * in-flight byte has been read. `Symbol.for`, so two copies of this package
 * in one program agree on it.
 */
export const EOF: unique symbol = Symbol.for('@flowkit/eof') as never;

/** The type of {@link EOF}. */
export type Eof = typeof EOF;
