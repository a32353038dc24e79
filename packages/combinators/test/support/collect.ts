/**
 * Every item `iterable` yields, in order. A loop in a test is bounded: an
 * iterator that never ends (one whose end result lost its `done: true`)
 * fails here after `max` items instead of spinning in microtasks, where no
 * test timeout can stop it.
 */
export async function collect<T>(iterable: AsyncIterable<T>, max: number): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) {
    out.push(item);
    if (out.length > max) throw new Error(`the iterator yielded more than ${max} items`);
  }
  return out;
}
