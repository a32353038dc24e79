/**
 * A FIFO queue on a growable ring buffer. `Array.prototype.shift` is O(n),
 * and emptying an array (`length = 0`) frees its storage, which the next
 * push allocates again; the hot read path does both once per chunk.
 *
 * @internal
 */
export class Queue<T> {
  #items: (T | undefined)[] = new Array(8);
  #mask = 7;
  #head = 0;
  #length = 0;

  /** Number of items queued. */
  get length(): number {
    return this.#length;
  }

  /** Appends an item at the tail. */
  push(item: T): void {
    if (this.#length > this.#mask) this.#grow();
    this.#items[(this.#head + this.#length) & this.#mask] = item;
    this.#length += 1;
  }

  /** The item `index` places from the head, without removing it. */
  at(index: number): T | undefined {
    return index < this.#length ? this.#items[(this.#head + index) & this.#mask] : undefined;
  }

  /** Replaces the head item (which must exist). */
  setHead(item: T): void {
    this.#items[this.#head] = item;
  }

  /** Replaces the tail item (which must exist). */
  setTail(item: T): void {
    this.#items[(this.#head + this.#length - 1) & this.#mask] = item;
  }

  /** Removes and returns the head item, or `undefined` when empty. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    this.#length -= 1;
    return item;
  }

  /** Removes one occurrence of `item`; returns whether it was queued. */
  remove(item: T): boolean {
    const rest = this.drain();
    const index = rest.indexOf(item);
    for (let i = 0; i < rest.length; i++) if (i !== index) this.push(rest[i] as T);
    return index >= 0;
  }

  /** Empties the queue and returns what it held, head first. */
  drain(): T[] {
    const out: T[] = [];
    while (this.#length > 0) out.push(this.shift() as T);
    return out;
  }

  #grow(): void {
    const old = this.#items;
    const size = old.length;
    const items: (T | undefined)[] = new Array(size * 2);
    for (let i = 0; i < this.#length; i++) items[i] = old[(this.#head + i) & this.#mask];
    this.#items = items;
    this.#head = 0;
    this.#mask = size * 2 - 1;
  }
}
