import { vi } from 'vitest';

/** The global each runtime is recognised by (the kernel's `detectRuntime`), as it looks there. */
const GLOBALS = {
  deno: { name: 'Deno', value: { version: { deno: '2.9.6' } } },
  bun: { name: 'Bun', value: { version: '1.4.5' } },
} as const;

/**
 * Runs `body` as if on `runtime`: its global (`Deno`, `Bun`) is set and the
 * module registry reset, so modules `body` imports afresh decide their
 * runtime refusals again; afterwards the global is removed and the registry
 * reset once more. For tests of `unsupported-runtime` refusals on Node.
 */
export async function asRuntime<T>(runtime: keyof typeof GLOBALS, body: () => Promise<T>): Promise<T> {
  const { name, value } = GLOBALS[runtime];
  const g = globalThis as Record<string, unknown>;
  g[name] = value;
  try {
    vi.resetModules();
    return await body();
  } finally {
    delete g[name];
    vi.resetModules();
  }
}
