import { readOptions } from '@flowkit/kernel';
import { Budget, type Link } from './budget.js';
import { Delay } from './delay.js';
import { MemoryFlow } from './flow.js';
import { Merge, STAGE_SIZE } from './merge.js';
import {
  CONNECTION_OPTIONS,
  type ConnectionOptions,
  type ConnectionPlan,
  connectionPlan,
} from './options.js';
import { Pipe } from './pipe.js';
import { random32 } from './random.js';
import { Rechunk } from './rechunk.js';
import type { Outlet, Stage } from './stage.js';

/** Options for {@link pair}. */
export interface PairOptions extends ConnectionOptions {}

/**
 * The stages of one direction. Without faults: {@link Merge}. With faults,
 * in this order and only those asked for: {@link Rechunk}, {@link Delay},
 * {@link Budget}; nothing is merged. Rechunk and Delay draw from one
 * random stream per direction (2·seed and 2·seed + 1).
 */
function stagesFor(plan: ConnectionPlan, direction: 0 | 1, link: Link | undefined) {
  const faults = plan.faults;
  if (faults === undefined) {
    return (outlet: Outlet): Stage => new Merge(outlet, Math.min(plan.capacity, STAGE_SIZE));
  }
  return (outlet: Outlet): Stage => {
    const random = random32(Math.imul(faults.seed, 2) + direction);
    let stage: Stage = outlet;
    if (link !== undefined) stage = new Budget(outlet, faults.stallAfter, link);
    if (faults.latencyMs > 0 || faults.jitterMs > 0 || Number.isFinite(faults.bytesPerSecond)) {
      stage = new Delay(stage, faults, random);
    }
    if (Number.isFinite(faults.maxChunk)) stage = new Rechunk(stage, faults.maxChunk, random);
    return stage;
  };
}

/** Builds two connected ends from checked options. @internal */
export function makePair(
  plan: ConnectionPlan,
  names?: { readonly dialer: string; readonly acceptor: string },
): [MemoryFlow, MemoryFlow] {
  const faults = plan.faults;
  let link: Link | undefined;
  let ends: [MemoryFlow, MemoryFlow] | undefined;
  if (faults !== undefined && (Number.isFinite(faults.resetAfter) || Number.isFinite(faults.stallAfter))) {
    let fired = false;
    link = {
      resetBudget: faults.resetAfter,
      reset() {
        if (fired || ends === undefined) return;
        fired = true;
        const message = `connection reset by the resetAfter fault after ${faults.resetAfter} bytes`;
        ends[0].resetBy(message);
        ends[1].resetBy(message);
      },
    };
  }
  const aToB = new Pipe({ capacity: plan.capacity, stages: stagesFor(plan, 0, link) });
  const bToA = new Pipe({ capacity: plan.capacity, stages: stagesFor(plan, 1, link) });
  ends = [
    new MemoryFlow(bToA, aToB, names?.dialer, names?.acceptor),
    new MemoryFlow(aToB, bToA, names?.acceptor, names?.dialer),
  ];
  if (link !== undefined && link.resetBudget <= 0) link.reset();
  return ends;
}

/**
 * Makes two connected in-process flows: what one writes, the other reads,
 * the very same buffers (zero-copy) — except that small writes (< 1 KiB)
 * queued back to back are merged into one read of up to 16 KiB. Each
 * direction holds at most `capacity` bytes before writes wait. `faults`
 * injects seeded re-chunking, latency, bandwidth limits, resets or stalls.
 *
 * Synchronous, so bad options are a programming error: throws a `TypeError`
 * naming the option and why (`capacity must be an integer ≥ 1, got 0`).
 * Options are read as own properties only.
 *
 * @example
 * ```ts
 * const [client, server] = pair({ capacity: 16 * 1024 });
 * ```
 */
export function pair(options?: PairOptions): [MemoryFlow, MemoryFlow] {
  const read = readOptions(options, CONNECTION_OPTIONS);
  const plan = read.ok ? connectionPlan(read.value) : read;
  if (!plan.ok) throw new TypeError(plan.error.message);
  return makePair(plan.value);
}
