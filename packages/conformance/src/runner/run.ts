import { flowTopics } from '../flow/topics.js';
import { listenerTopics } from '../listener/topics.js';
import type { FlowContextTimings } from '../support/harness.js';
import type {
  FlowConformanceOptions,
  FlowTopic,
  ListenerConformanceOptions,
  ListenerTopic,
} from '../support/types.js';
import { type LeakCheckSupport, leakCheckSupport } from './leaks.js';
import { type PlannedCase, planFlowCases, planListenerCases } from './plan.js';

/** How one case ended. */
export interface CaseReport {
  /** `flow` or `listener`. */
  readonly suite: 'flow' | 'listener';
  /** `topic/case`, for example `close-write/idempotent`. */
  readonly id: string;
  /** The case's name (the promise it checks). */
  readonly name: string;
  /** `passed`, `failed`, or `skipped` (never silently: see `reason`). */
  readonly status: 'passed' | 'failed' | 'skipped';
  /** For `failed`, the error's message; for `skipped`, why. */
  readonly reason?: string;
  /** For `failed`, what the case threw (usually a `ConformanceError`). */
  readonly error?: unknown;
  /** Wall time of the case, in ms (0 when skipped). */
  readonly durationMs: number;
}

/** What {@link runConformance} returns. */
export interface ConformanceReport {
  /** Every case, in the order it ran. */
  readonly cases: readonly CaseReport[];
  /** How many cases passed. */
  readonly passed: number;
  /** How many cases failed (see each case's `reason`). */
  readonly failed: number;
  /** How many cases were skipped, each with its `reason`. */
  readonly skipped: number;
  /** Wall time of the whole run, in ms. */
  readonly durationMs: number;
  /**
   * Whether the leak check ran: `off` when not asked for, `on`, or
   * `unavailable` with the reason when asked for where it cannot run.
   */
  readonly leakCheck: 'off' | 'on' | { readonly unavailable: string };
}

/** What {@link runConformance} takes; give `flow`, `listener` or both. */
export interface RunConformanceOptions {
  /** Runs the flow suite with these options. */
  readonly flow?: FlowConformanceOptions;
  /** Runs the listener suite with these options (any address type). */
  // biome-ignore lint/suspicious/noExplicitAny: the address type is the caller's; the runner never reads it.
  readonly listener?: ListenerConformanceOptions<any>;
  /** The flow topics to run. Default: all of them. */
  readonly flowTopics?: readonly FlowTopic[];
  /** The listener topics to run. Default: all of them. */
  readonly listenerTopics?: readonly ListenerTopic[];
  /** Runs only the cases for which this returns `true` (the rest are not reported). */
  readonly filter?: (c: PlannedCase) => boolean;
  /** Called after each case, for progress output. */
  readonly onCase?: (report: CaseReport) => void;
  /** Shorter per-operation deadlines, as the suite's self-test uses. */
  readonly timings?: FlowContextTimings;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Runs the suites one case at a time, with no test runner, and returns a
 * report: the core of every runner (`node:test`, Deno, Bun, a browser page).
 * Never throws for a failing case; it is in the report.
 */
export async function runConformance(options: RunConformanceOptions): Promise<ConformanceReport> {
  const started = Date.now();
  const planned: PlannedCase[] = [];
  if (options.flow !== undefined)
    planned.push(...planFlowCases(options.flow, options.flowTopics ?? flowTopics, options.timings));
  if (options.listener !== undefined)
    planned.push(
      ...planListenerCases(options.listener, options.listenerTopics ?? listenerTopics, options.timings),
    );
  const cases: CaseReport[] = [];
  for (const c of planned) {
    if (options.filter !== undefined && !options.filter(c)) continue;
    let report: CaseReport;
    if (c.skip !== undefined) {
      report = { suite: c.suite, id: c.id, name: c.name, status: 'skipped', reason: c.skip, durationMs: 0 };
    } else {
      const t0 = Date.now();
      try {
        await c.run();
        report = { suite: c.suite, id: c.id, name: c.name, status: 'passed', durationMs: Date.now() - t0 };
      } catch (e) {
        report = {
          suite: c.suite,
          id: c.id,
          name: c.name,
          status: 'failed',
          reason: message(e),
          error: e,
          durationMs: Date.now() - t0,
        };
      }
    }
    cases.push(report);
    options.onCase?.(report);
  }
  const requested = options.flow?.leakCheck === true || options.listener?.leakCheck === true;
  const support: LeakCheckSupport = leakCheckSupport();
  return {
    cases,
    passed: cases.filter((c) => c.status === 'passed').length,
    failed: cases.filter((c) => c.status === 'failed').length,
    skipped: cases.filter((c) => c.status === 'skipped').length,
    durationMs: Date.now() - started,
    leakCheck: !requested ? 'off' : support.available ? 'on' : { unavailable: support.reason },
  };
}
