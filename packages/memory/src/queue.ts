/**
 * A FIFO queue with O(1) amortised shift. `Array.prototype.shift` is O(n) in
 * the worst case; the hot read path shifts once per chunk.
 *
 * @internal
 */
export class Queue<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  /** Number of items queued. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Appends an item at the tail. */
  push(item: T): void {
    this.#items.push(item);
  }

  /** The item `index` places from the head, without removing it. */
  at(index: number): T | undefined {
    return this.#items[this.#head + index];
  }

  /** Replaces the head item (which must exist). */
  setHead(item: T): void {
    this.#items[this.#head] = item;
  }

  /** Removes and returns the head item, or `undefined` when empty. */
  shift(): T | undefined {
    const items = this.#items;
    if (this.#head >= items.length) return undefined;
    const item = items[this.#head];
    items[this.#head] = undefined;
    this.#head += 1;
    if (this.#head === items.length) {
      items.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > items.length) {
      items.splice(0, this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Removes one occurrence of `item`; returns whether it was queued. */
  remove(item: T): boolean {
    const index = this.#items.indexOf(item, this.#head);
    if (index < 0) return false;
    this.#items.splice(index, 1);
    if (this.#head === this.#items.length) {
      this.#items.length = 0;
      this.#head = 0;
    }
    return true;
  }

  /** Empties the queue and returns what it held, head first. */
  drain(): T[] {
    const out = this.#items.slice(this.#head) as T[];
    this.#items = [];
    this.#head = 0;
    return out;
  }
}
