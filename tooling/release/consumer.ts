import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeExit, type Ran, run, tail } from './exec.js';
import type { Published } from './publish.js';
import type { Registry } from './registry.js';

const fixture = fileURLToPath(new URL('consumer/tcp.conformance.test.ts', import.meta.url));

/** One checked step of the round trip. */
export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly ms: number;
  /** Counts from a test run, or why the step failed. */
  readonly detail: string;
}

/** Paths to the runtimes the round trip drives besides this Node. */
export interface Tools {
  readonly bun: string;
  readonly deno: string;
}

const PNPM = ['-y', 'pnpm@12.4.2'];
const TSX = 'tsx@4.23.15';
const VITEST = 'vitest@4.1.12';
const EXAMPLE = 'node_modules/@flowkit/tcp/examples/echo.ts';
const ECHOED = 'echoed: hello over tcp';
/**
 * What tcp's example prints on Deno: its `listen` refuses Deno at the call
 * (a declared limit, see the tcp README's Runtimes), so the published
 * package must load there through npm: specifiers and refuse with the
 * typed error, not crash or echo a truncated reply.
 */
const DENO_REFUSED = 'unsupported-runtime: @flowkit/tcp cannot listen on deno';

/**
 * A user's first day, in fresh projects under `scratch` (outside the
 * monorepo, which must be outside any workspace): install `@flowkit/tcp`
 * alone from the local registry with npm, then pnpm, run its README example
 * from the installed package, then add the conformance suite and run it from
 * the project's own vitest; then the same install with `bun add` and the
 * example under Bun, and the example under Deno with `npm:` specifiers.
 */
export async function consumerChecks(
  scratch: string,
  registry: Registry,
  published: readonly Published[],
  tools: Tools,
): Promise<Check[]> {
  const version = (name: string) => {
    const found = published.find((p) => p.name === name);
    if (found === undefined) throw new Error(`${name} was not published`);
    return `${name}@${found.version}`;
  };
  const tcp = version('@flowkit/tcp');
  const checks: Check[] = [];
  const scope = `@flowkit:registry=${registry.url}\n`;

  for (const manager of ['npm', 'pnpm'] as const) {
    const dir = project(scratch, `${manager}-project`, scope);
    const cacheDir = join(scratch, `${manager}-metadata`);
    const install = (args: string[]) =>
      manager === 'npm'
        ? run('npm', ['install', '--no-audit', '--no-fund', ...args], { cwd: dir, timeoutMs: 180_000 })
        : run('npx', [...PNPM, 'add', `--config.cache-dir=${cacheDir}`, ...args], {
            cwd: dir,
            timeoutMs: 180_000,
          });
    checks.push(
      await step(`${manager}: install ${tcp} alone`, async () => {
        const ran = await install([tcp]);
        if (ran.code !== 0) return failed(ran);
        return onlyTheClosureOf(dir, '@flowkit/tcp');
      }),
    );
    checks.push(
      await step(`${manager}: tcp README example (tsx)`, async () =>
        expectOutput(await run('npx', ['-y', TSX, EXAMPLE], { cwd: dir, timeoutMs: 60_000 }), ECHOED),
      ),
    );
    checks.push(
      await step(`${manager}: conformance suite from the project's vitest`, async () => {
        const added = await install(['-D', version('@flowkit/conformance'), VITEST]);
        if (added.code !== 0) return failed(added);
        mkdirSync(join(dir, 'test'));
        copyFileSync(fixture, join(dir, 'test', 'conformance.test.ts'));
        const report = join(dir, 'vitest.json');
        const ran = await run(
          join(dir, 'node_modules/.bin/vitest'),
          ['run', '--reporter=dot', '--reporter=json', `--outputFile.json=${report}`],
          { cwd: dir, timeoutMs: 300_000 },
        );
        return vitestCounts(ran, report);
      }),
    );
  }

  const bunDir = project(scratch, 'bun-project', '');
  writeFileSync(join(bunDir, 'bunfig.toml'), `[install.scopes]\n"@flowkit" = "${registry.url}"\n`);
  // Bun caches tarballs by name@version: a fresh cache keeps a tarball of an
  // earlier run's 0.x.y from standing in for this one.
  const bunEnv = { BUN_INSTALL_CACHE_DIR: join(scratch, 'bun-cache') };
  checks.push(
    await step(`bun: bun add ${tcp}`, async () => {
      const ran = await run(tools.bun, ['add', tcp], { cwd: bunDir, env: bunEnv, timeoutMs: 180_000 });
      if (ran.code !== 0) return failed(ran);
      return onlyTheClosureOf(bunDir, '@flowkit/tcp');
    }),
  );
  checks.push(
    await step('bun: tcp README example', async () =>
      expectOutput(await run(tools.bun, [EXAMPLE], { cwd: bunDir, timeoutMs: 60_000 }), ECHOED),
    ),
  );

  // No package.json here: with one, Deno expects a node_modules that
  // `deno install` made; without, it resolves the npm: specifiers itself.
  const denoDir = join(scratch, 'deno-project');
  mkdirSync(denoDir);
  writeFileSync(join(denoDir, '.npmrc'), scope);
  const imports = Object.fromEntries(
    ['@flowkit/tcp', '@flowkit/flow-types'].map((name) => [name, `npm:${version(name)}`]),
  );
  // Deno 2.9 refuses versions younger than a day by default (a supply-chain
  // guard); what we just published is seconds old.
  const denoConfig = { imports, minimumDependencyAge: 0 };
  writeFileSync(join(denoDir, 'deno.json'), `${JSON.stringify(denoConfig, null, 2)}\n`);
  const npmExample = join(scratch, 'npm-project', EXAMPLE);
  checks.push(
    await step(
      'deno: tcp README example through npm: specifiers (listen refuses deno, declared)',
      async () => {
        if (!existsSync(npmExample))
          return { ok: false, detail: 'no installed example to copy (npm install failed)' };
        copyFileSync(npmExample, join(denoDir, 'echo.ts'));
        const ran = await run(
          tools.deno,
          ['run', '--allow-net=127.0.0.1', '--allow-env', '--allow-read', 'echo.ts'],
          {
            cwd: denoDir,
            env: { DENO_DIR: join(scratch, 'deno-dir'), DENO_NO_UPDATE_CHECK: '1' },
            timeoutMs: 120_000,
          },
        );
        return expectRefusal(ran, DENO_REFUSED);
      },
    ),
  );
  return checks;
}

function project(scratch: string, name: string, npmrc: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: `flowkit-${name}`, private: true, type: 'module' }, null, 2)}\n`,
  );
  if (npmrc !== '') writeFileSync(join(dir, '.npmrc'), npmrc);
  return dir;
}

type Outcome = { readonly ok: boolean; readonly detail: string };

async function step(name: string, body: () => Promise<Outcome>): Promise<Check> {
  const started = performance.now();
  let outcome: Outcome;
  try {
    outcome = await body();
  } catch (error) {
    outcome = { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
  const check = { name, ...outcome, ms: performance.now() - started };
  console.log(
    `${check.ok ? 'ok  ' : 'FAIL'} ${name} (${(check.ms / 1000).toFixed(1)} s) ${check.detail.split('\n')[0]}`,
  );
  if (!check.ok) console.log(check.detail.split('\n').slice(1).join('\n'));
  return check;
}

function failed(ran: Ran): Outcome {
  return { ok: false, detail: `${describeExit(ran)}\n${tail(ran.output)}` };
}

function expectOutput(ran: Ran, expected: string): Outcome {
  if (ran.code === 0 && ran.output.includes(expected)) return { ok: true, detail: `printed "${expected}"` };
  return {
    ok: false,
    detail: `${describeExit(ran)}, expected "${expected}" in the output\n${tail(ran.output)}`,
  };
}

/** The run stopped on the package's declared refusal: a non-zero exit whose output names it. */
function expectRefusal(ran: Ran, expected: string): Outcome {
  if (ran.code !== 0 && ran.output.includes(expected)) return { ok: true, detail: `refused: "${expected}"` };
  return {
    ok: false,
    detail: `${describeExit(ran)}, expected the refusal "${expected}" in the output\n${tail(ran.output)}`,
  };
}

/**
 * The install brought `name` and its own dependencies and nothing else of
 * ours: a package that works only because a sibling was installed with it
 * fails here (pnpm's strict layout shows that; this shows it for npm too).
 */
function onlyTheClosureOf(dir: string, name: string): Outcome {
  const scopeDir = join(dir, 'node_modules', '@flowkit');
  const installed = existsSync(scopeDir) ? readdirSync(scopeDir).map((n) => `@flowkit/${n}`) : [];
  const wanted = new Set<string>();
  const visit = (pkg: string, from: string) => {
    if (wanted.has(pkg)) return;
    wanted.add(pkg);
    const manifestPath = resolvePackageJson(from, pkg);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const dep of Object.keys(manifest.dependencies ?? {})) {
      if (dep.startsWith('@flowkit/')) visit(dep, manifestPath.slice(0, -'/package.json'.length));
    }
  };
  visit(name, dir);
  const extra = installed.filter((n) => !wanted.has(n));
  if (!installed.includes(name)) return { ok: false, detail: `${name} is not in node_modules` };
  if (extra.length > 0)
    return { ok: false, detail: `installed more than ${name} needs: ${extra.join(', ')}` };
  return { ok: true, detail: `${[...wanted].join(', ')}` };
}

/** Node's lookup: `node_modules/<pkg>` in `from` or any directory above it, links resolved (pnpm). */
function resolvePackageJson(from: string, pkg: string): string {
  for (let dir = from; ; dir = join(dir, '..')) {
    const candidate = join(dir, 'node_modules', pkg, 'package.json');
    if (existsSync(candidate)) return realpathSync(candidate);
    if (dir === '/' || dir === join(dir, '..')) throw new Error(`cannot find ${pkg} from ${from}`);
  }
}

function vitestCounts(ran: Ran, report: string): Outcome {
  if (!existsSync(report))
    return { ok: false, detail: `no vitest report (${describeExit(ran)})\n${tail(ran.output)}` };
  const r = JSON.parse(readFileSync(report, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    success: boolean;
  };
  const counts = `${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`;
  const ok = ran.code === 0 && r.success && r.numFailedTests === 0 && r.numPassedTests > 0;
  return { ok, detail: ok ? counts : `${counts} (${describeExit(ran)})\n${tail(ran.output)}` };
}
