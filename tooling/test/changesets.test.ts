import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = join(root, '.changeset');
const files = readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md');
const published = readdirSync(join(root, 'packages'))
  .map((p) => join(root, 'packages', p, 'package.json'))
  .filter((p) => existsSync(p))
  .map((p) => JSON.parse(readFileSync(p, 'utf8')) as { name: string; private?: boolean })
  .filter((p) => p.private !== true)
  .map((p) => p.name);

/** The front matter changesets reads: package names and bumps, then one summary. */
function parse(text: string): { bumps: Map<string, string>; summary: string } | undefined {
  const m = /^---\n((?:"[^"\n]+": (?:major|minor|patch)\n)+)---\n\n(\S[\s\S]*)$/.exec(text);
  if (!m) return undefined;
  const bumps = new Map<string, string>();
  for (const line of (m[1] ?? '').trim().split('\n')) {
    const [, name = '', bump = ''] = /^"([^"]+)": (\w+)$/.exec(line) ?? [];
    bumps.set(name, bump);
  }
  return { bumps, summary: (m[2] ?? '').trim() };
}

describe('changesets', () => {
  it.each(files)('%s has valid front matter and one summary', (file) => {
    const parsed = parse(readFileSync(join(dir, file), 'utf8'));
    expect(parsed, `${file} is not in changesets' format`).toBeDefined();
    for (const name of parsed?.bumps.keys() ?? []) expect(published).toContain(name);
    expect(parsed?.summary.split('\n\n')).toHaveLength(1);
  });

  it('every published package has a changeset for its first release', () => {
    const covered = new Set(
      files.flatMap((f) => [...(parse(readFileSync(join(dir, f), 'utf8'))?.bumps.keys() ?? [])]),
    );
    expect(published.filter((name) => !covered.has(name))).toEqual([]);
  });
});
