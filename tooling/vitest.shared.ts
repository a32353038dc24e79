import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const conditions = ['@flowkit/source', 'node', 'import', 'module', 'default'];

/**
 * The one vitest setup: tests import workspace packages through the
 * `@flowkit/source` export condition, so they read `src/` and need no build;
 * every test file is checked for leaked handles after it finishes. `include`
 * adds test globs beyond the `test/` directory (tooling's README examples).
 */
export function packageProject(name: string, extra: { typecheck?: boolean; include?: string[] } = {}) {
  return defineProject({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: conditions } },
    test: {
      name,
      include: ['test/**/*.test.ts', ...(extra.include ?? [])],
      setupFiles: [fileURLToPath(new URL('./vitest.setup.ts', import.meta.url))],
      testTimeout: 30_000,
      hookTimeout: 30_000,
      // Type tests kill no runtime mutant; under Stryker (`pnpm mutate`) they are skipped.
      ...(extra.typecheck && process.env.FLOWKIT_MUTATE === undefined
        ? { typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' } }
        : {}),
    },
  });
}
