// The release round trip, `pnpm release:check`: build, start a local registry
// on 127.0.0.1, version and publish a copy of the workspace to it, then
// install and run the packages as a new user would, in fresh projects outside
// the monorepo, with npm, pnpm, Bun and Deno, and type-check every README
// example as a consumer under TypeScript 5.9 and 7. Exits non-zero if any check
// failed. RELEASING.md describes the flow.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installRuntime, runtime } from '../runtimes/runtimes.js';
import { typesChecks } from '../types-check/check.js';
import { type Check, consumerChecks } from './consumer.js';
import { describeExit, run, tail } from './exec.js';
import { publishWorkspace } from './publish.js';
import { startRegistry } from './registry.js';

// FLOWKIT_RELEASE_ROOT releases another checkout (a built copy of an older commit, say).
const root = resolve(process.env.FLOWKIT_RELEASE_ROOT ?? fileURLToPath(new URL('../..', import.meta.url)));
const started = performance.now();
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const scratch = mkdtempSync(join(tmpdir(), 'flowkit-release-'));
if (scratch.startsWith(`${root}/`)) throw new Error(`scratch ${scratch} is inside the repository`);

const checks: Check[] = [];
async function timed<T>(name: string, body: () => Promise<T>): Promise<T> {
  const t = performance.now();
  try {
    const value = await body();
    checks.push({ name, ok: true, ms: performance.now() - t, detail: '' });
    console.log(`ok   ${name} (${seconds(performance.now() - t)})`);
    return value;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    checks.push({ name, ok: false, ms: performance.now() - t, detail });
    console.log(`FAIL ${name} (${seconds(performance.now() - t)})\n${detail}`);
    throw error;
  }
}

let exitCode = 1;
try {
  const [tools] = await Promise.all([
    timed('install bun and deno from npm (cached)', async () => ({
      bun: await installRuntime(runtime('bun')),
      deno: await installRuntime(runtime('deno')),
    })),
    timed('build (turbo, cached when lint built already)', async () => {
      const ran = await run('npx', ['-y', 'pnpm@12.4.2', 'build'], { cwd: root, timeoutMs: 300_000 });
      if (ran.code !== 0) throw new Error(`${describeExit(ran)}\n${tail(ran.output)}`);
    }),
  ]);
  const registry = await timed('start verdaccio on 127.0.0.1', () => startRegistry(scratch));
  try {
    const published = await timed('changeset version + pnpm publish -r (on a copy)', () =>
      publishWorkspace(root, scratch, registry),
    );
    console.log(`     published ${published.map((p) => `${p.name}@${p.version}`).join(', ')}`);
    checks.push(...(await consumerChecks(scratch, registry, published, tools)));
    checks.push(...(await typesChecks(root, scratch, registry, published)));
  } finally {
    await registry.stop();
  }
  exitCode = checks.every((c) => c.ok) ? 0 : 1;
} catch {
  exitCode = 1;
} finally {
  const bad = checks.filter((c) => !c.ok).length;
  console.log(
    `release round trip: ${checks.length - bad} of ${checks.length} checks ok in ${seconds(performance.now() - started)}`,
  );
  if (exitCode === 0 || process.env.FLOWKIT_KEEP_SCRATCH === undefined)
    rmSync(scratch, { recursive: true, force: true });
  else console.log(`scratch kept at ${scratch}`);
}
process.exit(exitCode);
