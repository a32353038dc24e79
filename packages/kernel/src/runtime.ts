import type { RuntimeName } from '@flowkit/flow-types';

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
