import type { Flow, WriteResult } from '@flowkit/flow-types';
import { fail } from './assert.js';
import { expectOk, startWrite } from './ops.js';
import { KiB, MiB, pattern } from './pattern.js';
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
