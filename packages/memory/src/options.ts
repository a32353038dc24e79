import { type InvalidOptionError, ok, type Result } from '@flowkit/flow-types';
import { any, integer, type OptionsOf } from '@flowkit/kernel';
import { type FaultOptions, type FaultPlan, readFaults } from './fault-options.js';
import { guarded } from './guarded.js';

/** The default per-direction capacity: 64 KiB. */
export const DEFAULT_CAPACITY = 64 * 1024;

/** Options shared by `pair` and `listen`: how each connection behaves. */
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

/** The option table of {@link ConnectionOptions}; `faults` is read by `readFaults`. @internal */
export const CONNECTION_OPTIONS = guarded({ capacity: integer({ min: 1 }), faults: any() });

/** Checked connection options. @internal */
export interface ConnectionPlan {
  readonly capacity: number;
  readonly faults: FaultPlan | undefined;
}

/** Turns read connection options into a plan, reading `faults`. @internal */
export function connectionPlan(
  options: OptionsOf<typeof CONNECTION_OPTIONS>,
): Result<ConnectionPlan, InvalidOptionError> {
  const capacity = options.capacity ?? DEFAULT_CAPACITY;
  if (options.faults === undefined) return ok({ capacity, faults: undefined });
  const faults = readFaults(options.faults);
  return faults.ok ? ok({ capacity, faults: faults.value }) : faults;
}
