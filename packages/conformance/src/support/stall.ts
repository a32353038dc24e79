import type { Flow, WriteResult } from '@flowkit/flow-types';
import { EOF } from '@flowkit/flow-types';
import { fail } from './assert.js';
import { expectOk, read, startWrite } from './ops.js';
import { KiB, MiB, pattern, patternByte } from './pattern.js';
import { remaining, settlesWithin } from './timing.js';

/** A writer stopped by backpressure. */
export interface Stall {
  /** Bytes accepted before the stall. */
  readonly accepted: number;
  /** The write that did not resolve within the per-write deadline. */
  readonly stalled: Promise<WriteResult>;
  /** The size of that write. */
  readonly stalledSize: number;
}

/** Defaults of {@link fillUntilStall}. */
export const STALL_CHUNK = 64 * KiB;
/** Per-write deadline: a write pending this long counts as stalled, in ms. */
export const STALL_WAIT_MS = 250;
/** More than this many bytes accepted with nobody reading means no backpressure. */
export const STALL_LIMIT = 64 * MiB;

/**
 * The suite's clogged-stream maker (Trio's `clogged_stream_maker`): any
 * transport with backpressure becomes clogged once its buffers are full.
 * Writes 64 KiB chunks of stream `seed` while nobody reads, awaiting each
 * for at most {@link STALL_WAIT_MS}, until one stays pending. Fails with "no
 * backpressure" if {@link STALL_LIMIT} bytes were accepted first.
 */
export async function fillUntilStall(writer: Flow, seed: number, deadline: number): Promise<Stall> {
  let accepted = 0;
  while (accepted < STALL_LIMIT) {
    if (Date.now() >= deadline)
      fail(`no backpressure: writes kept resolving until the deadline (${accepted} bytes accepted)`);
    const p = startWrite(writer, pattern(STALL_CHUNK, seed, accepted), `write at ${accepted}`);
    const s = await settlesWithin(p, Math.min(STALL_WAIT_MS, remaining(deadline)));
    if (!s.settled) return { accepted, stalled: p, stalledSize: STALL_CHUNK };
    expectOk(s.value, `write at ${accepted} with nobody reading`);
    accepted += STALL_CHUNK;
  }
  return fail(`no backpressure: ${accepted} bytes accepted while nobody read`);
}

/** Reads `total` bytes of stream `seed`, checking each byte as it arrives (no copy kept). */
export async function readAndVerify(
  flow: Flow,
  total: number,
  seed: number,
  deadline: number,
): Promise<void> {
  let got = 0;
  while (got < total) {
    const r = await read(flow, `drain read after ${got} of ${total} bytes`, remaining(deadline));
    if (!r.ok) fail(`drain: read failed after ${got} of ${total} bytes: ${r.error.type}: ${r.error.message}`);
    if (r.value === EOF) fail(`drain: EOF after ${got} of ${total} bytes`);
    const chunk = r.value;
    if (got + chunk.length > total)
      fail(`drain: ${got + chunk.length} bytes arrived, only ${total} were written`);
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] !== patternByte(seed, got + i)) {
        fail(`drain: byte ${got + i} differs (got ${chunk[i]}, expected ${patternByte(seed, got + i)})`);
      }
    }
    got += chunk.length;
  }
}
