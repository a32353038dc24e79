/**
 * Deterministic test data. Byte `i` of stream `seed` depends on both, so a
 * lost, duplicated or reordered chunk shows up as a mismatch at a known
 * offset, and a reader can check a long stream without keeping a copy.
 */
export function patternByte(seed: number, offset: number): number {
  // A cheap integer hash: neighbouring offsets and seeds give unrelated bytes,
  // and the period is far longer than any chunk size the suite uses.
  let x = (offset ^ Math.imul(seed + 1, 0x9e3779b1)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) & 0xff;
}

/** `length` bytes of stream `seed`, starting at `offset`. */
export function pattern(length: number, seed = 0, offset = 0): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = patternByte(seed, offset + i);
  return out;
}

/**
 * Splits `data` into views of the given sizes, cycling through `sizes`; the
 * last piece may be shorter. Views share `data`'s memory.
 */
export function chunk(data: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  let i = 0;
  while (at < data.length) {
    const size = Math.max(1, sizes[i % sizes.length] ?? 1);
    out.push(data.subarray(at, Math.min(data.length, at + size)));
    at += size;
    i++;
  }
  return out;
}

/** The KiB and MiB multipliers, so sizes in cases read as `64 * KiB`. */
export const KiB = 1024;
/** See {@link KiB}. */
export const MiB = 1024 * 1024;
