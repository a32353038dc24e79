import { defineConfig, type Options } from 'tsup';

/** The one build shape every published package uses: ESM, .d.ts, Node 20. */
export function packageBuild(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    treeshake: true,
    ...overrides,
  });
}
