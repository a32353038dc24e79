import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Check } from '../release/consumer.js';
import { describeExit, run, tail } from '../release/exec.js';
import type { Published } from '../release/publish.js';
import type { Registry } from '../release/registry.js';
import { readmeExamples } from './examples.js';

/** The compilers a consumer may have: the workspace's pin and the newest major. */
export const COMPILERS = [
  { label: 'TypeScript 5.9', alias: 'typescript', spec: 'typescript@5.9.3' },
  // TypeScript 7 is the native compiler: `tsc` is a launcher for a Go binary
  // shipped in a per-platform optional dependency.
  { label: 'TypeScript 7', alias: 'typescript7', spec: 'typescript7@npm:typescript@7.0.2' },
] as const;

/**
 * A consumer's type check of every README example: a fresh project installs
 * every published package from the registry (with npm, as a user would),
 * copies the examples in, and runs `tsc` of each compiler with `strict`,
 * `skipLibCheck: false` (our .d.ts files are checked too) and NodeNext
 * resolution (what attw checks the exports against).
 */
export async function typesChecks(
  root: string,
  scratch: string,
  registry: Registry,
  published: readonly Published[],
): Promise<Check[]> {
  const dir = join(scratch, 'types-project');
  mkdirSync(join(dir, 'src'), { recursive: true });
  const manifest = { name: 'flowkit-types-project', private: true, type: 'module' };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(dir, '.npmrc'), `@flowkit:registry=${registry.url}\n`);
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2023', 'DOM'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      types: ['node'],
      strict: true,
      skipLibCheck: false,
      noEmit: true,
    },
    include: ['src'],
  };
  writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  const examples = readmeExamples(root);
  for (const example of examples) copyFileSync(example.path, join(dir, 'src', example.name));

  const checks: Check[] = [];
  const started = performance.now();
  const installed = await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      ...published.map((p) => `${p.name}@${p.version}`),
      ...COMPILERS.map((c) => c.spec),
      // The examples use Node (Buffer, node:fs) and the conformance example vitest.
      '@types/node@20',
      'vitest@4.1.12',
    ],
    { cwd: dir, timeoutMs: 240_000 },
  );
  checks.push({
    name: 'types: install every package, both compilers',
    ok: installed.code === 0,
    ms: performance.now() - started,
    detail:
      installed.code === 0
        ? `${published.length} packages`
        : `${describeExit(installed)}\n${tail(installed.output)}`,
  });
  report(checks.at(-1));
  if (installed.code !== 0) return checks;

  for (const compiler of COMPILERS) {
    const ran = await run(
      process.execPath,
      [join(dir, 'node_modules', compiler.alias, 'bin', 'tsc'), '-p', '.'],
      {
        cwd: dir,
        timeoutMs: 180_000,
      },
    );
    const errors = ran.output.match(/error TS\d+/g)?.length ?? 0;
    const ok = ran.code === 0 && errors === 0;
    checks.push({
      name: `types: ${examples.length} README examples under ${compiler.label} (strict, skipLibCheck false)`,
      ok,
      ms: ran.ms,
      detail: ok ? '0 errors' : `${errors} errors (${describeExit(ran)})\n${tail(ran.output, 40)}`,
    });
    report(checks.at(-1));
  }
  return checks;
}

function report(check: Check | undefined): void {
  if (check === undefined) return;
  const time = `${(check.ms / 1000).toFixed(1)} s`;
  console.log(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name} (${time}) ${check.detail.split('\n')[0]}`);
  if (!check.ok) console.log(check.detail.split('\n').slice(1).join('\n'));
}
