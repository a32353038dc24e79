import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
// Under node_modules so `commander` resolves from this package, and git ignores it.
const outDir = fileURLToPath(new URL('../../node_modules/.cache/flowcat-e2e', import.meta.url));

/** Builds the flowcat executable (see build-cli.ts) and returns its path. */
export function buildFlowcat(): string {
  const script = fileURLToPath(new URL('./build-cli.ts', import.meta.url));
  execFileSync(process.execPath, ['--import', 'tsx', script, outDir], {
    cwd: packageDir,
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 60_000,
  });
  const bin = `${outDir}/flowcat.js`;
  if (!existsSync(bin)) throw new Error(`the build left no ${bin}`);
  return bin;
}
