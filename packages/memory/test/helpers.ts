import { EOF, type Flow } from '@flowkit/flow-types';

/** Reads until EOF (or an error), at most `maxReads` reads; returns the chunks seen. */
export async function readChunks(flow: Flow, maxReads = 1_000_000): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < maxReads; i++) {
    const r = await flow.read();
    if (!r.ok) throw new Error(`read failed: ${r.error.type}: ${r.error.message}`);
    if (r.value === EOF) return chunks;
    chunks.push(r.value);
  }
  throw new Error(`no EOF after ${maxReads} reads`);
}

// One concat and one byte comparison for the whole test tree: the suite's own.
// `checkBytes` names the first differing offset; vitest's `toEqual` on a MiB
// array takes about 9 s (it walks it element by element with diffing).
export { checkBytes, concat } from '@flowkit/conformance';

/** A buffer of `length` bytes counting up from `start` (mod 256). */
export function pattern(length: number, start = 0): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (start + i) & 0xff;
  return out;
}

/** Lets queued microtasks and promise callbacks run. */
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await Promise.resolve();
}

/** Tracks whether a promise has settled, without awaiting it. */
export function track<T>(promise: Promise<T>): { readonly done: boolean; readonly value: T | undefined } {
  const state: { done: boolean; value: T | undefined } = { done: false, value: undefined };
  void promise.then((value) => {
    state.done = true;
    state.value = value;
  });
  return state;
}
