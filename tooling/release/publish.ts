import { cpSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describeExit, run, tail } from './exec.js';
import type { Registry } from './registry.js';

/** A package as published: name and the version `changeset version` gave it. */
export interface Published {
  readonly name: string;
  readonly version: string;
}

const skipped = new Set(['.git', '.turbo', '.reports']);

/**
 * The release as a maintainer runs it, on a copy so the repository is never
 * changed: copy the built workspace into `scratch/repo`, `changeset version`
 * there (versions, changelogs, internal ranges), then
 * `pnpm publish -r --no-git-checks` to the local registry. Returns the
 * public packages with their new versions.
 */
export async function publishWorkspace(
  root: string,
  scratch: string,
  registry: Registry,
): Promise<Published[]> {
  const repo = join(scratch, 'repo');
  // Packages keep their node_modules: pnpm links (relative symlinks, copied
  // verbatim) to the copy's own workspace packages, which is where
  // `pnpm publish` reads the new versions of `workspace:` dependencies. The
  // root's node_modules, the store those links reach into, is shared.
  cpSync(root, repo, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (source) => {
      const rel = relative(root, source);
      return rel !== 'node_modules' && !rel.split(sep).some((part) => skipped.has(part));
    },
  });
  symlinkSync(join(root, 'node_modules'), join(repo, 'node_modules'), 'dir');
  const host = registry.url.replace(/^http:/, '');
  writeFileSync(
    join(repo, '.npmrc'),
    `@flowkit:registry=${registry.url}\n${host}:_authToken=${registry.token}\n`,
  );

  const versioned = await run(join(root, 'node_modules/.bin/changeset'), ['version'], {
    cwd: repo,
    timeoutMs: 60_000,
  });
  if (versioned.code !== 0) {
    throw new Error(`changeset version: ${describeExit(versioned)}\n${tail(versioned.output)}`);
  }

  const published = publicPackages(repo);
  const publishing = await run(
    'npx',
    [
      '-y',
      'pnpm@12.4.2',
      'publish',
      '-r',
      '--registry',
      registry.url,
      '--no-git-checks',
      '--provenance=false',
    ],
    {
      cwd: repo,
      // CI=true would ask npm for provenance from a CI identity we do not have.
      env: { NPM_CONFIG_PROVENANCE: 'false' },
      timeoutMs: 180_000,
    },
  );
  if (publishing.code !== 0) {
    throw new Error(`pnpm publish -r: ${describeExit(publishing)}\n${tail(publishing.output)}`);
  }
  return published;
}

function publicPackages(repo: string): Published[] {
  const out: Published[] = [];
  for (const dir of readdirSync(join(repo, 'packages')).sort()) {
    const manifest = JSON.parse(readFileSync(join(repo, 'packages', dir, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
      private?: boolean;
    };
    if (manifest.private !== true) out.push({ name: manifest.name, version: manifest.version });
  }
  return out;
}
