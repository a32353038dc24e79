import type { Flow, Listener } from '@flowkit/flow-types';
import { traced } from '../runner/trace.js';
import { describeValue, fail } from './assert.js';
import { guard } from './ops.js';
import { withTimeout } from './timing.js';
import type { ListenerCaseContext, ListenerConformanceOptions, ListenerScope } from './types.js';

function isListener(x: Flow | Listener<Flow>): x is Listener<Flow> {
  return typeof (x as Listener<Flow>).accept === 'function';
}

/**
 * Builds the context a listener case runs with; see {@link ListenerCaseContext}.
 * `opTimeoutMs` defaults to a quarter of the test timeout, at most 5 s.
 */
export function listenerCaseContext<A>(
  typed: ListenerConformanceOptions<A>,
  timings: { readonly opTimeoutMs?: number } = {},
): ListenerCaseContext {
  // The cases hand `connect` and `listenAgain` only listeners that `listen`
  // returned, so forgetting the address type here is sound.
  const options = typed as unknown as ListenerConformanceOptions;
  const opTimeoutMs = timings.opTimeoutMs ?? Math.min(5_000, Math.floor((options.timeoutMs ?? 20_000) / 4));
  return {
    options,
    opTimeoutMs,
    async withScope<T>(body: (scope: ListenerScope) => Promise<T>): Promise<T> {
      const flows = new Set<Flow>();
      let dialed = 0;
      let accepted = 0;
      const listeners = new Set<Listener<Flow>>();
      const scope: ListenerScope = {
        track(resource) {
          if (isListener(resource)) listeners.add(resource);
          else flows.add(resource);
          return resource;
        },
        async listen() {
          const r = await withTimeout(
            guard('listen()', () => options.listen()),
            opTimeoutMs,
            'listen()',
          );
          if (!r.ok) fail(`listen() failed: ${describeValue(r.error)}`);
          listeners.add(r.value);
          return r.value;
        },
        async connect(listener) {
          const r = await withTimeout(
            guard('connect()', () => options.connect(listener)),
            opTimeoutMs,
            'connect()',
          );
          if (!r.ok) fail(`connect() failed: ${describeValue(r.error)}`);
          flows.add(r.value);
          return traced(r.value, `dialer ${++dialed}`);
        },
        async accept(listener) {
          const r = await withTimeout(
            guard('accept()', () => listener.accept()),
            opTimeoutMs,
            'accept()',
          );
          if (!r.ok) fail(`accept() failed: ${describeValue(r.error)}`);
          flows.add(r.value);
          return traced(r.value, `acceptor ${++accepted}`);
        },
      };
      const teardown = async (): Promise<void> => {
        for (const f of flows) {
          try {
            f.abort(new Error('conformance test finished'));
          } catch {
            // Reported by the case that used it; teardown must go on.
          }
        }
        await Promise.all(
          [...listeners].map((l) =>
            withTimeout(
              guard('listener close()', () => l.close()),
              opTimeoutMs,
              'listener close()',
            ),
          ),
        );
        const cleanup = options.cleanup;
        if (cleanup !== undefined)
          await withTimeout(guard('cleanup()', cleanup, 'harness'), opTimeoutMs, 'cleanup()');
      };
      let result: T;
      try {
        result = await body(scope);
      } catch (e) {
        await teardown().catch(() => {});
        throw e;
      }
      await teardown();
      return result;
    },
  };
}
