import { Queue } from './queue.js';
import type { Outlet, Stage } from './stage.js';

/** The `resetAfter` budget, shared by a connection's two directions. @internal */
export interface Link {
  /** Bytes still to be read, over both directions, before the reset fires. */
  resetBudget: number;
  /** Resets both ends; called once the budget reaches zero. */
  reset(): void;
}

/**
 * The `stall` and `resetAfter` faults: they count bytes as the reader
 * reads them, so this stage hands the reader one piece per waiting read,
 * cut to what the budgets allow, and holds the rest.
 *
 * - `stall`: after `stallAfter` bytes this reader gets nothing more, not
 *   even the end of the stream.
 * - `resetAfter`: the read that spends the shared budget gets exactly the
 *   bytes left in it; then the link resets the connection.
 *
 * @internal
 */
export class Budget implements Stage {
  readonly #next: Outlet;
  readonly #link: Link;
  readonly #held = new Queue<Uint8Array>();
  #stallBudget: number;
  #ended = false;
  #stopped = false;

  constructor(next: Outlet, stallAfter: number, link: Link) {
    this.#next = next;
    this.#stallBudget = stallAfter;
    this.#link = link;
  }

  push(chunk: Uint8Array): void {
    this.#held.push(chunk);
    this.#release();
  }

  end(): void {
    this.#ended = true;
    this.#next.arrived();
    this.#release();
  }

  pull(): void {
    this.#release();
  }

  stop(): void {
    this.#stopped = true;
    this.#held.drain();
  }

  #release(): void {
    const link = this.#link;
    while (!this.#stopped && this.#next.waiting > 0) {
      const first = this.#held.at(0);
      if (first === undefined) {
        if (this.#ended && this.#stallBudget > 0) {
          this.#stopped = true;
          this.#next.end();
        }
        return;
      }
      const limit = Math.min(this.#stallBudget, link.resetBudget);
      if (limit <= 0) return;
      let piece = first;
      if (first.length > limit) {
        piece = first.subarray(0, limit);
        this.#held.setHead(first.subarray(limit));
      } else {
        this.#held.shift();
      }
      this.#stallBudget -= piece.length;
      link.resetBudget -= piece.length;
      this.#next.push(piece, link.resetBudget <= 0 ? link.reset : undefined);
    }
  }
}
