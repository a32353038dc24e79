import type { Flow } from '@flowkit/flow-types';
import { traced } from '../runner/trace.js';
import { guard } from './ops.js';
import { withTimeout } from './timing.js';
import type {
  FlowCapabilities,
  FlowCapability,
  FlowCase,
  FlowCaseContext,
  FlowConformanceOptions,
} from './types.js';

/** Default per-test timeout, in ms. */
export const DEFAULT_TIMEOUT_MS = 20_000;

/** Tunables of {@link flowCaseContext}; the self-test shortens them. */
export interface FlowContextTimings {
  /** Per operation, ms. Default: a quarter of the test timeout, at most 5 s. */
  readonly opTimeoutMs?: number;
  /** Per transfer, ms. Default: three quarters of the test timeout. */
  readonly transferTimeoutMs?: number;
}

/** Fills in capability defaults: everything `true` unless declared `false`. */
export function resolveCapabilities(c: FlowCapabilities | undefined): Required<FlowCapabilities> {
  return {
    halfClose: c?.halfClose ?? true,
    closeWaitsForRemote: c?.closeWaitsForRemote ?? true,
    abortSendsReset: c?.abortSendsReset ?? true,
    backpressure: c?.backpressure ?? true,
  };
}

/** The capabilities case `c` needs that `capabilities` lacks, in the order `c` names them. */
export function missingCapabilities(
  c: Pick<FlowCase, 'requires'>,
  capabilities: Required<FlowCapabilities>,
): FlowCapability[] {
  if (c.requires === undefined) return [];
  const needs: readonly FlowCapability[] = typeof c.requires === 'string' ? [c.requires] : c.requires;
  return needs.filter((n) => !capabilities[n]);
}

function abortQuietly(flow: Flow): void {
  try {
    flow.abort(new Error('conformance test finished'));
  } catch {
    // The case under way reports a throwing abort itself; teardown must go on.
  }
}

/**
 * Builds the context a flow case runs with. Exported so a test can run one
 * case by hand (`topic.cases[i].run(flowCaseContext(options))`).
 */
export function flowCaseContext(
  options: FlowConformanceOptions,
  timings: FlowContextTimings = {},
): FlowCaseContext {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const opTimeoutMs = timings.opTimeoutMs ?? Math.min(5_000, Math.floor(timeoutMs / 4));
  const transferTimeoutMs = timings.transferTimeoutMs ?? Math.floor((timeoutMs * 3) / 4);
  async function withPairs<T>(
    count: number,
    body: (pairs: readonly (readonly [Flow, Flow])[]) => Promise<T>,
  ): Promise<T> {
    const pairs: (readonly [Flow, Flow])[] = [];
    const teardown = async (): Promise<void> => {
      for (const [a, b] of pairs) {
        abortQuietly(a);
        abortQuietly(b);
      }
      const cleanup = options.cleanup;
      if (cleanup !== undefined)
        await withTimeout(guard('cleanup()', cleanup, 'harness'), opTimeoutMs, 'cleanup()');
    };
    let result: T;
    try {
      // One at a time: a makePair that shares state (a listener per pair,
      // closed by cleanup) never races another.
      for (let i = 0; i < count; i++) {
        const pair = await withTimeout(
          guard('makePair()', () => options.makePair(), 'harness'),
          opTimeoutMs,
          'makePair()',
        );
        const label = count === 1 ? '' : ` ${i}`;
        pairs.push([traced(pair[0], `dialer${label}`), traced(pair[1], `acceptor${label}`)]);
      }
      result = await body(pairs);
    } catch (e) {
      // The case's own failure is the one to report; a cleanup failure on
      // top of it would only hide it.
      await teardown().catch(() => {});
      throw e;
    }
    await teardown();
    return result;
  }
  return {
    capabilities: resolveCapabilities(options.capabilities),
    opTimeoutMs,
    transferTimeoutMs,
    withPair: <T>(body: (a: Flow, b: Flow) => Promise<T>): Promise<T> =>
      withPairs(1, (pairs) => {
        const [a, b] = pairs[0]!;
        return body(a, b);
      }),
    withPairs,
  };
}
