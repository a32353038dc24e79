import { flowTopics } from '../flow/topics.js';
import { listenerTopics } from '../listener/topics.js';
import { ConformanceError } from '../support/assert.js';
import { checkFlowOptions, checkListenerOptions } from '../support/check-options.js';
import {
  DEFAULT_TIMEOUT_MS,
  type FlowContextTimings,
  flowCaseContext,
  missingCapabilities,
} from '../support/harness.js';
import { listenerCaseContext } from '../support/listener-harness.js';
import { withTimeout } from '../support/timing.js';
import type {
  FlowCapability,
  FlowConformanceOptions,
  FlowTopic,
  ListenerCase,
  ListenerConformanceOptions,
  ListenerTopic,
} from '../support/types.js';
import { settleStrays, strayMessage, watchCase } from './hygiene.js';
import { type LeakWatch, leakCheckSupport, startLeakWatch } from './leaks.js';
import { CallTrace, startTracing, stopTracing } from './trace.js';

/** How long closed handles get to be released before the leak check counts them, in ms. */
export const LEAK_GRACE_MS = 2_000;

/**
 * One case ready to run: what a test runner registers. `run()` resolves when
 * the case passed and throws a {@link ConformanceError} saying how it
 * failed; it is never called for a case with a `skip` reason.
 */
export interface PlannedCase {
  /** `flow` or `listener`. */
  readonly suite: 'flow' | 'listener';
  /** The topic's id and title, for grouping (`describe` blocks). */
  readonly topic: { readonly id: string; readonly title: string };
  /** `topic/case`, unique within the suite, for example `close/close-idempotent`. */
  readonly id: string;
  /** The test name: the promise checked, plus `(skipped: …)` when skipped. */
  readonly name: string;
  /** Why the case is skipped (a capability or option the transport lacks); absent when it runs. */
  readonly skip?: string;
  /**
   * The longest `run()` may take, in ms: the case's timeout plus the leak
   * check's grace. `run()` enforces the case's own timeout; a runner may
   * set its own limit to this.
   */
  readonly timeoutMs: number;
  /** Runs the case with per-case hygiene (and the leak check when asked). */
  run(): Promise<void>;
}

/** Per-case checks around every run, shared by the flow and listener suites. */
interface Hygiene {
  readonly caseTimeoutMs: number;
  readonly leakCheck: boolean;
}

const capabilityText: Record<FlowCapability, string> = {
  halfClose: 'half-close',
  closeWaitsForRemote: 'close waiting for the remote',
  abortSendsReset: 'reset on abort',
  backpressure: 'backpressure',
};

/**
 * Runs `body` as one case: bounded by the case timeout, failing on an
 * unhandled rejection or uncaught exception seen meanwhile (naming the flow
 * calls made just before it), and, with `leakCheck`, on handles or timers
 * still open afterwards.
 */
export async function runCase(body: () => Promise<void>, hygiene: Hygiene): Promise<void> {
  const leaks: LeakWatch | undefined = hygiene.leakCheck ? startLeakWatch() : undefined;
  const trace = new CallTrace();
  const watch = watchCase();
  startTracing(trace);
  let failure: unknown;
  try {
    await withTimeout(
      Promise.resolve().then(body),
      hygiene.caseTimeoutMs,
      `the case (its timeout of ${hygiene.caseTimeoutMs} ms)`,
    );
  } catch (e) {
    failure = e;
  }
  stopTracing();
  await settleStrays();
  const stray = watch.stop();
  // The case's own failure comes first: a stray error is often its echo.
  if (failure !== undefined) {
    await leaks?.stop(0);
    throw failure;
  }
  if (stray !== undefined) {
    await leaks?.stop(0);
    throw new ConformanceError(strayMessage(stray, trace));
  }
  if (leaks !== undefined) {
    const leaked = await leaks.stop(LEAK_GRACE_MS);
    if (leaked.length > 0)
      throw new ConformanceError(
        `leaked after the case (still open ${LEAK_GRACE_MS} ms after it ended): ${leaked.join(', ')}`,
      );
  }
}

function wantsLeakCheck(requested: boolean | undefined): boolean {
  // Requested where it cannot run: the runners show that as a skipped entry
  // (see leakCheckNotice), and the cases run without it.
  return requested === true && leakCheckSupport().available;
}

/**
 * The flow suite as a list of runnable cases, in registration order. Every
 * runner (vitest, `node:test`, Deno, Bun, a browser page) registers these.
 */
export function planFlowCases(
  untrusted: FlowConformanceOptions,
  topics: readonly FlowTopic[] = flowTopics,
  timings: FlowContextTimings = {},
): PlannedCase[] {
  const options = checkFlowOptions('flowConformance', untrusted);
  const ctx = flowCaseContext(options, timings);
  const caseTimeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const hygiene: Hygiene = { caseTimeoutMs, leakCheck: wantsLeakCheck(options.leakCheck) };
  const out: PlannedCase[] = [];
  for (const topic of topics) {
    for (const c of topic.cases) {
      const missing = missingCapabilities(c, ctx.capabilities);
      const limit = options.maxStressFlows;
      const skip =
        missing.length > 0
          ? `transport declares no ${missing.map((m) => capabilityText[m]).join(', no ')}`
          : limit !== undefined && (c.flows ?? 1) > limit
            ? `needs ${c.flows} flows, maxStressFlows is ${limit}`
            : undefined;
      out.push(
        planned({ suite: 'flow', topic, id: c.id, name: c.name, skip, hygiene, run: () => c.run(ctx) }),
      );
    }
  }
  return out;
}

/** One case of either suite, as every runner sees it: skipped ones say why in their name. */
function planned(c: {
  readonly suite: PlannedCase['suite'];
  readonly topic: { readonly id: string; readonly title: string };
  readonly id: string;
  readonly name: string;
  readonly skip: string | undefined;
  readonly hygiene: Hygiene;
  readonly run: () => Promise<void>;
}): PlannedCase {
  return {
    suite: c.suite,
    topic: { id: c.topic.id, title: c.topic.title },
    id: `${c.topic.id}/${c.id}`,
    name: c.skip === undefined ? c.name : `${c.name} (skipped: ${c.skip})`,
    ...(c.skip === undefined ? {} : { skip: c.skip }),
    timeoutMs: c.hygiene.caseTimeoutMs + LEAK_GRACE_MS + 1_000,
    run: () => runCase(c.run, c.hygiene),
  };
}

/** The listener suite as a list of runnable cases; see {@link planFlowCases}. */
export function planListenerCases<A>(
  untrusted: ListenerConformanceOptions<A>,
  topics: readonly ListenerTopic[] = listenerTopics,
  timings: { readonly opTimeoutMs?: number } = {},
): PlannedCase[] {
  const options = checkListenerOptions<A>('listenerConformance', untrusted);
  const ctx = listenerCaseContext(options, timings);
  const caseTimeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const hygiene: Hygiene = { caseTimeoutMs, leakCheck: wantsLeakCheck(options.leakCheck) };
  const out: PlannedCase[] = [];
  for (const topic of topics) {
    for (const c of topic.cases) {
      const skip = listenerSkip(c, options);
      out.push(
        planned({ suite: 'listener', topic, id: c.id, name: c.name, skip, hygiene, run: () => c.run(ctx) }),
      );
    }
  }
  return out;
}

/** Why listener case `c` is skipped: an option not given, or a capability declared `false`. */
function listenerSkip<A>(c: ListenerCase, options: ListenerConformanceOptions<A>): string | undefined {
  const need = c.requires;
  if (need === undefined) return undefined;
  if (need === 'connectToNothing' || need === 'listenAgain')
    return options[need] === undefined ? `no ${need} given` : undefined;
  return options.capabilities?.[need] === false ? `transport declares no ${capabilityText[need]}` : undefined;
}

/**
 * When the leak check was asked for but cannot run here, the line a runner
 * shows as a skipped entry; `undefined` otherwise.
 */
export function leakCheckNotice(requested: boolean | undefined): string | undefined {
  if (requested !== true) return undefined;
  const support = leakCheckSupport();
  return support.available ? undefined : `leak check (skipped: unavailable, ${support.reason})`;
}
