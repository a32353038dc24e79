import type { InvalidOptionError } from '@flowkit/flow-types';
import { checkFaults, type FaultOptions, type FaultPlan } from './fault.js';

/** The default per-direction capacity: 64 KiB. */
export const DEFAULT_CAPACITY = 64 * 1024;

/** Options shared by {@link pair} and `listen`: how each connection behaves. */
export interface ConnectionOptions {
  /**
   * Bytes each direction holds before writes wait (backpressure), counting
   * data in flight and data queued for the reader. A write is accepted at
   * once while fewer than `capacity` bytes are queued, so a writer that
   * awaits each write has at most `capacity` plus one write queued. A
   * positive integer, in bytes. Default `65536` (64 KiB).
   */
  readonly capacity?: number;
  /** Seeded fault injection; see {@link FaultOptions}. Default: no faults. */
  readonly faults?: FaultOptions;
}

/** Checked connection options. @internal */
export interface ConnectionPlan {
  readonly capacity: number;
  readonly faults: FaultPlan | undefined;
}

/** Checks `capacity` and `faults`; returns the plan or the first error. @internal */
export function checkConnectionOptions(options: ConnectionOptions): ConnectionPlan | InvalidOptionError {
  const { capacity = DEFAULT_CAPACITY, faults } = options;
  if (typeof capacity !== 'number' || !Number.isSafeInteger(capacity) || capacity <= 0) {
    const shown = typeof capacity === 'number' ? String(capacity) : typeof capacity;
    return {
      type: 'invalid-option',
      option: 'capacity',
      message: `capacity must be a positive integer number of bytes, got ${shown}`,
    };
  }
  if (faults === undefined) return { capacity, faults: undefined };
  const plan = checkFaults(faults);
  if ('type' in plan) return plan;
  return { capacity, faults: plan };
}
