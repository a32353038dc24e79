import type { Stage } from './stage.js';

/**
 * The `rechunk` fault: splits every chunk into random pieces of 1 to
 * `maxChunk` bytes, `subarray` views of it (no copy), each its own read.
 *
 * @internal
 */
export class Rechunk implements Stage {
  readonly #next: Stage;
  readonly #maxChunk: number;
  readonly #random: () => number;

  constructor(next: Stage, maxChunk: number, random: () => number) {
    this.#next = next;
    this.#maxChunk = maxChunk;
    this.#random = random;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 1) {
      this.#next.push(chunk);
      return;
    }
    let offset = 0;
    while (offset < chunk.length) {
      const end = Math.min(chunk.length, offset + 1 + (this.#random() % this.#maxChunk));
      this.#next.push(offset === 0 && end === chunk.length ? chunk : chunk.subarray(offset, end));
      offset = end;
    }
  }

  end(): void {
    this.#next.end();
  }

  pull(): void {
    this.#next.pull();
  }

  stop(): void {
    this.#next.stop();
  }
}
