import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describeExit, run, tail } from './exec.js';

/**
 * Where the release and runtime tooling keeps what it installs with npm
 * (the registry, Node builds, Deno, Bun): outside the workspace, reused
 * across runs, `FLOWKIT_CACHE` or `~/.cache/flowkit`.
 */
export function cacheRoot(): string {
  return process.env.FLOWKIT_CACHE ?? join(homedir(), '.cache', 'flowkit');
}

/**
 * Installs npm packages into `<cache>/<key>` once: a directory with a
 * `.complete` marker is reused; one without is wiped and installed anew, so
 * an interrupted install never passes for a finished one.
 * `prepare` writes the directory's package.json (and lockfile) before
 * `npm ci` (with a lockfile) or `npm install` (without) runs there.
 */
export async function installOnce(
  key: string,
  prepare: (dir: string) => void,
  options: { readonly timeoutMs?: number } = {},
): Promise<string> {
  const dir = join(cacheRoot(), key);
  const marker = join(dir, '.complete');
  if (existsSync(marker)) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  prepare(dir);
  const verb = existsSync(join(dir, 'package-lock.json')) ? 'ci' : 'install';
  const ran = await run('npm', [verb, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    timeoutMs: options.timeoutMs ?? 300_000,
  });
  if (ran.code !== 0) throw new Error(`npm ${verb} in ${dir}: ${describeExit(ran)}\n${tail(ran.output)}`);
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  return dir;
}
