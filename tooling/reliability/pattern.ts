/**
 * Seeded byte streams that can be produced and checked piece by piece, so a
 * load test verifies gigabytes without storing them.
 *
 * Stream `key` at offset `i` is `block[(i + start) % P] ^ ((i / P + salt) & 0xff)`
 * where `block` is a seeded random block of prime length P, and `start` and
 * `salt` come from the key. A dropped, duplicated or reordered piece shifts
 * the offsets and shows up as a mismatch unless it is a whole multiple of
 * 256·P bytes, and the byte count catches those.
 */

/** The block length: a prime, so no power-of-two chunking lines up with it. */
const P = 65_521;

/** A small seeded 32-bit generator (mulberry32). Not for cryptography. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Mixes several integers into one 32-bit seed. */
export function mix(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x01000193) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
  }
  return h >>> 0;
}

/** The random block shared by every stream of one seed. */
export class PatternBook {
  readonly #block: Uint8Array;

  constructor(seed: number) {
    this.#block = new Uint8Array(P);
    const next = rng(seed);
    for (let i = 0; i < P; i += 4) {
      const v = next();
      this.#block[i] = v & 0xff;
      if (i + 1 < P) this.#block[i + 1] = (v >>> 8) & 0xff;
      if (i + 2 < P) this.#block[i + 2] = (v >>> 16) & 0xff;
      if (i + 3 < P) this.#block[i + 3] = v >>> 24;
    }
  }

  /** The stream for `key` (a flow id and direction mixed into one number). */
  stream(key: number): PatternStream {
    return new PatternStream(this.#block, key);
  }
}

/** One stream: `fill` produces the next bytes to send, `check` the next bytes expected. */
export class PatternStream {
  readonly #block: Uint8Array;
  readonly #start: number;
  readonly #salt: number;

  /** @internal Use {@link PatternBook.stream}. */
  constructor(block: Uint8Array, key: number) {
    this.#block = block;
    const h = mix(key, 0x5eed);
    this.#start = h % P;
    this.#salt = (h >>> 16) & 0xff;
  }

  /** Writes the stream's bytes for offsets `offset…offset+out.length` into `out`. */
  fill(out: Uint8Array, offset: number): void {
    const block = this.#block;
    let pos = (offset + this.#start) % P;
    let salt = (Math.floor(offset / P) + this.#salt) & 0xff;
    // The salt steps when the absolute offset crosses a multiple of P.
    let untilStep = P - (offset % P);
    for (let i = 0; i < out.length; i++) {
      out[i] = block[pos]! ^ salt;
      pos = pos + 1 === P ? 0 : pos + 1;
      if (--untilStep === 0) {
        salt = (salt + 1) & 0xff;
        untilStep = P;
      }
    }
  }

  /**
   * Checks `data` against the stream at `offset`. Returns the index of the
   * first wrong byte, or -1 when every byte matches.
   */
  check(data: Uint8Array, offset: number): number {
    const block = this.#block;
    let pos = (offset + this.#start) % P;
    let salt = (Math.floor(offset / P) + this.#salt) & 0xff;
    let untilStep = P - (offset % P);
    for (let i = 0; i < data.length; i++) {
      if (data[i] !== (block[pos]! ^ salt)) return i;
      pos = pos + 1 === P ? 0 : pos + 1;
      if (--untilStep === 0) {
        salt = (salt + 1) & 0xff;
        untilStep = P;
      }
    }
    return -1;
  }
}
