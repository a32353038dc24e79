// The public API of every published package as a checked artifact:
// `pnpm api:update` writes `packages/<pkg>/etc/<entry>.api.md` with API
// Extractor 7.59 (which analyses with TypeScript 5.9.3, our compiler) from the
// built `.d.ts` of each export; `pnpm api:check` (CI) fails when the built
// surface differs from the committed report, and when the last commit that
// changed a report had no pending changeset naming its package.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig, ExtractorLogLevel } from '@microsoft/api-extractor';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** One export of one package: its built declarations and the report that records them. */
export interface ApiEntry {
  readonly packageName: string;
  readonly dir: string;
  readonly dts: string;
  /** `tcp` for `.`, `conformance-core` for `./core`. */
  readonly report: string;
}

/** Every typed export (`types` condition) of every public package. */
export function apiEntries(): ApiEntry[] {
  const out: ApiEntry[] = [];
  for (const name of readdirSync(join(root, 'packages')).sort()) {
    const dir = join(root, 'packages', name);
    if (!existsSync(join(dir, 'package.json'))) continue;
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      name: string;
      private?: boolean;
      exports?: Record<string, string | Record<string, string>>;
    };
    if (manifest.private === true) continue;
    for (const [key, target] of Object.entries(manifest.exports ?? {})) {
      if (typeof target === 'string' || target.types === undefined) continue;
      const sub = key === '.' ? '' : `-${key.replace(/^\.\//, '').replaceAll('/', '-')}`;
      out.push({ packageName: manifest.name, dir, dts: join(dir, target.types), report: `${name}${sub}` });
    }
  }
  return out;
}

function extract(
  entry: ApiEntry,
  update: boolean,
  scratch: string,
): { ok: boolean; changed: boolean; text: string } {
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: entry.dir,
      mainEntryPointFilePath: entry.dts,
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            target: 'ES2022',
            lib: ['ES2023', 'DOM'],
            module: 'ESNext',
            moduleResolution: 'Bundler',
            types: ['node'],
            strict: true,
            skipLibCheck: true,
          },
        },
      },
      apiReport: {
        enabled: true,
        reportFileName: entry.report,
        reportFolder: join(entry.dir, 'etc'),
        reportTempFolder: join(scratch, entry.report),
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        // Release tags (@public, @beta) are not how flowkit marks stability:
        // every export is public API.
        extractorMessageReporting: { 'ae-missing-release-tag': { logLevel: ExtractorLogLevel.None } },
        tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
      },
    },
    configObjectFullPath: undefined,
    packageJsonFullPath: join(entry.dir, 'package.json'),
  });
  const lines: string[] = [];
  const result = Extractor.invoke(config, {
    localBuild: update,
    messageCallback: (message) => {
      if (message.logLevel === ExtractorLogLevel.Error || message.logLevel === ExtractorLogLevel.Warning) {
        lines.push(message.formatMessageWithLocation(entry.dir));
      }
      message.handled = true;
    },
  });
  return { ok: result.succeeded, changed: result.apiReportChanged, text: lines.join('\n') };
}

/** Packages named by the changesets pending in the tree of `commit`. */
function pendingChangesetPackages(commit: string): Set<string> {
  const files = execFileSync('git', ['ls-tree', '--name-only', `${commit}:.changeset`], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((f) => f.endsWith('.md') && f !== 'README.md');
  const names = new Set<string>();
  for (const file of files) {
    const text = execFileSync('git', ['show', `${commit}:.changeset/${file}`], {
      cwd: root,
      encoding: 'utf8',
    });
    for (const m of text.matchAll(/^["']?(@flowkit\/[\w-]+)["']?\s*:/gm))
      if (m[1] !== undefined) names.add(m[1]);
  }
  return names;
}

/**
 * A report changed (not created) by a commit in whose tree no changeset for
 * its package was pending: the API changed and nothing tells users. After a
 * release consumes the changesets, the next API change needs a new one.
 */
function reportsWithoutChangeset(entries: readonly ApiEntry[]): string[] {
  const missing: string[] = [];
  for (const entry of entries) {
    const report = join(entry.dir, 'etc', `${entry.report}.api.md`);
    const commit = execFileSync('git', ['log', '-1', '--diff-filter=M', '--format=%H', '--', report], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
    if (commit === '') continue;
    if (!pendingChangesetPackages(commit).has(entry.packageName)) {
      missing.push(
        `${entry.report}.api.md changed in ${commit.slice(0, 9)} with no pending changeset for ${entry.packageName}`,
      );
    }
  }
  return missing;
}

/** The first lines of `git diff` from the committed report to the one just built. */
function reportDiff(committed: string, built: string): string {
  if (!existsSync(built)) return '     (no built report to compare)';
  try {
    execFileSync('git', ['diff', '--no-index', '--no-color', '-U1', committed, built], { encoding: 'utf8' });
    return '';
  } catch (error) {
    const out = (error as { stdout?: string }).stdout ?? '';
    const lines = out.split('\n').slice(4);
    const shown = lines.slice(0, 30).map((l) => `     ${l}`);
    if (lines.length > 30) shown.push(`     … ${lines.length - 30} more lines`);
    return shown.join('\n');
  }
}

function main(): number {
  const mode = process.argv[2];
  if (mode !== 'check' && mode !== 'update') {
    console.error('usage: api-report.ts check|update   (run `pnpm build` first)');
    return 2;
  }
  const update = mode === 'update';
  const scratch = mkdtempSync(join(tmpdir(), 'flowkit-api-'));
  const problems: string[] = [];
  try {
    for (const entry of apiEntries()) {
      if (!existsSync(entry.dts)) {
        problems.push(`${entry.report}: ${entry.dts} is missing (run pnpm build)`);
        continue;
      }
      if (update) mkdirSync(join(entry.dir, 'etc'), { recursive: true });
      const result = extract(entry, update, scratch);
      const state = result.changed ? (update ? 'updated' : 'CHANGED') : 'unchanged';
      console.log(`api: ${entry.report}.api.md ${state}${result.ok || result.changed ? '' : ' (errors)'}`);
      if (result.text !== '') console.log(result.text.replace(/^/gm, '     '));
      if (!result.ok && !result.changed) problems.push(`${entry.report}: API Extractor failed`);
      if (result.changed && !update) {
        const committed = relative(root, join(entry.dir, 'etc', `${entry.report}.api.md`));
        problems.push(
          `${entry.report}: the built API differs from ${committed}; run \`pnpm api:update\`, review the diff and add a changeset`,
        );
        console.log(reportDiff(join(root, committed), join(scratch, entry.report, `${entry.report}.api.md`)));
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (!update) problems.push(...reportsWithoutChangeset(apiEntries()));
  for (const p of problems) console.log(`api: ${p}`);
  return problems.length === 0 ? 0 : 1;
}

process.exit(main());
