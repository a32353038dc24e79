import type { RuntimeName, UnsupportedRuntimeError } from '@flowkit/flow-types';

interface RuntimeGlobals {
  readonly Deno?: { readonly version?: { readonly deno?: unknown } };
  readonly Bun?: { readonly version?: unknown };
  readonly process?: { readonly versions?: { readonly node?: unknown } };
  readonly document?: unknown;
}

/**
 * Which runtime `scope` (a `globalThis`) belongs to. Deno and Bun are asked
 * first: both also provide a Node-like `process`.
 */
export function detectRuntime(scope: object): RuntimeName {
  const g = scope as RuntimeGlobals;
  if (typeof g.Deno?.version?.deno === 'string') return 'deno';
  if (typeof g.Bun?.version === 'string') return 'bun';
  if (typeof g.process?.versions?.node === 'string') return 'node';
  if (typeof g.document === 'object' && g.document !== null) return 'browser';
  return 'other';
}

let current: RuntimeName | undefined;

/** The runtime this process runs in ({@link detectRuntime} of `globalThis`, found once). */
export function runtimeName(): RuntimeName {
  current ??= detectRuntime(globalThis);
  return current;
}

/**
 * A transport's declared refusals: `reasons` maps each runtime it cannot
 * keep its promises on to why (measured; say where in the README). Returns
 * the check an entry point calls first: `undefined` where it runs, else the
 * same `unsupported-runtime` error every time, `message` reading
 * `${subject} on ${runtime}: ${reason}`. The runtime is looked up on the
 * first call (`runtime`, default {@link runtimeName}), never at import.
 */
export function runtimeRefusal(
  subject: string,
  reasons: Readonly<Partial<Record<RuntimeName, string>>>,
  runtime: () => RuntimeName = runtimeName,
): () => UnsupportedRuntimeError | undefined {
  let memo: { readonly refusal: UnsupportedRuntimeError | undefined } | undefined;
  return () => {
    if (memo === undefined) {
      const name = runtime();
      const why = Object.hasOwn(reasons, name) ? reasons[name] : undefined;
      memo = {
        refusal:
          why === undefined
            ? undefined
            : { type: 'unsupported-runtime', runtime: name, message: `${subject} on ${name}: ${why}` },
      };
    }
    return memo.refusal;
  };
}
