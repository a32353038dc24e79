/**
 * A promise settled once, by whoever comes first: the memo behind every
 * idempotent operation (`closeWrite`, `close`), so that every call returns
 * the same promise and the same result. Never rejects.
 */
export class Settled<T> {
  /** Resolves with the first value given to {@link Settled.settle}. */
  readonly promise: Promise<T>;
  #resolve!: (value: T) => void;
  #settled = false;

  constructor() {
    this.promise = new Promise<T>((resolve) => {
      this.#resolve = resolve;
    });
  }

  /** Whether {@link Settled.settle} has run. */
  get settled(): boolean {
    return this.#settled;
  }

  /** Settles the promise with `value`; returns false (and changes nothing) if already settled. */
  settle(value: T): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.#resolve(value);
    return true;
  }
}
