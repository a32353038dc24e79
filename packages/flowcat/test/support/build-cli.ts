import { build } from 'tsup';

/**
 * Builds the flowcat executable the way its package does (tsup, ESM, Node
 * 20, the same `src/cli.ts` entry and shebang), into the directory given as
 * the first argument. The workspace packages it imports are bundled from
 * their sources (the `@flowkit/source` condition) rather than taken from
 * their `dist/`, so the test needs no build of the whole workspace; commander
 * stays external and resolves from this package's node_modules, and the
 * CommonJS packages they pull in (ws) are bundled with a `require` shim.
 *
 * Run as a child process (see built.ts): esbuild's service would otherwise
 * outlive the test file and trip the leak check.
 */
const outDir = process.argv[2];
if (outDir === undefined) throw new Error('usage: build-cli.ts OUT_DIR');
await build({
  entry: { flowcat: new URL('../../src/cli.ts', import.meta.url).pathname },
  outDir,
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  noExternal: [/^@flowkit\//],
  esbuildOptions(options) {
    options.conditions = ['@flowkit/source'];
  },
  // Bundled CommonJS dependencies (ws, under @flowkit/websocket) call
  // require() for Node built-ins; an ES module has none unless given one.
  banner: {
    js: "import { createRequire as __flowcatRequire } from 'node:module';\nconst require = __flowcatRequire(import.meta.url);",
  },
  config: false,
  dts: false,
  sourcemap: false,
  clean: true,
  silent: true,
});
