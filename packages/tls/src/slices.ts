import { ok, type WriteResult } from '@flowkit/flow-types';

/**
 * Most plaintext handed to the TLS socket at once: 256 KiB, 16 full records.
 * Node's TLS encrypts everything it is given in one go, so a 256 MiB
 * `writev` handed over whole held 256 MiB of ciphertext beside the
 * plaintext; in slices, ciphertext in flight stays about one slice.
 */
export const SLICE_BYTES = 256 * 1024;

/** Total bytes in `buffers`. */
export function byteLength(buffers: readonly Uint8Array[]): number {
  let n = 0;
  for (const b of buffers) n += b.byteLength;
  return n;
}

/** Cuts `buffers` into batches of at most `limit` bytes each: views, never copies. */
export function* batches(buffers: readonly Uint8Array[], limit: number): Generator<Uint8Array[]> {
  let batch: Uint8Array[] = [];
  let room = limit;
  for (const buffer of buffers) {
    for (let at = 0; at < buffer.byteLength; ) {
      const n = Math.min(room, buffer.byteLength - at);
      batch.push(at === 0 && n === buffer.byteLength ? buffer : buffer.subarray(at, at + n));
      at += n;
      room -= n;
      if (room === 0) {
        yield batch;
        batch = [];
        room = limit;
      }
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * Writes `buffers` through `writev` one batch at a time, each once the last
 * was accepted (the transport's backpressure paces it). Stops at the first
 * failure and returns it.
 */
export async function writeInSlices(
  writev: (batch: readonly Uint8Array[]) => Promise<WriteResult>,
  buffers: readonly Uint8Array[],
): Promise<WriteResult> {
  for (const batch of batches(buffers, SLICE_BYTES)) {
    const result = await writev(batch);
    if (!result.ok) return result;
  }
  return ok();
}
