import type { Flow } from '@flowkit/flow-types';

/**
 * The flow calls a case made, most recent last, so that an unhandled
 * rejection (which carries no hint of where it came from) can be reported
 * with the operations that ran just before it.
 */
export class CallTrace {
  private readonly calls: string[] = [];

  /** Remembers one call, keeping only the last few. */
  record(call: string): void {
    this.calls.push(call);
    if (this.calls.length > 4) this.calls.shift();
  }

  /** The last calls, oldest first, or `undefined` when none was made. */
  describe(): string | undefined {
    return this.calls.length === 0 ? undefined : this.calls.join(', ');
  }
}

// Cases run one at a time (the runners register them sequentially), so one
// slot is enough to know which case a flow call belongs to.
let active: CallTrace | undefined;

/** Makes `trace` receive the calls of traced flows until `stopTracing()`. */
export function startTracing(trace: CallTrace): void {
  active = trace;
}

/** Ends the tracing started by {@link startTracing}. */
export function stopTracing(): void {
  active = undefined;
}

const methods = new Set<PropertyKey>(['read', 'write', 'writev', 'closeWrite', 'close', 'abort']);

/**
 * A view of `flow` that records each Flow method call as `label.method()` in
 * the active trace. Everything else (transport-specific fields, `this` inside
 * the methods) is the flow's own: methods run with the real flow as `this`.
 */
export function traced<F extends Flow>(flow: F, label: string): F {
  return new Proxy(flow, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (!methods.has(key) || typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        active?.record(`${label}.${String(key)}()`);
        return Reflect.apply(value, target, args);
      };
    },
  });
}
