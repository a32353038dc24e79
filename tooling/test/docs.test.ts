import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const packages = readdirSync(join(root, 'packages')).filter((p) =>
  existsSync(join(root, 'packages', p, 'package.json')),
);
const readmes = [join(root, 'README.md'), ...packages.map((p) => join(root, 'packages', p, 'README.md'))];

/** `<!-- include: path -->` followed by a fenced block: the block must be the file. */
function includes(readme: string): { path: string; block: string }[] {
  const text = readFileSync(readme, 'utf8');
  const found: { path: string; block: string }[] = [];
  const marker = /<!-- include: (\S+) -->\n```\w*\n([\s\S]*?)```/g;
  for (const m of text.matchAll(marker)) {
    found.push({ path: resolve(dirname(readme), m[1] ?? ''), block: m[2] ?? '' });
  }
  return found;
}

describe('READMEs', () => {
  it.each(readmes.map((r) => [r.slice(root.length + 1), r]))(
    '%s exists and embeds a checked example',
    (_, readme) => {
      expect(existsSync(readme), `${readme} is missing`).toBe(true);
      const found = includes(readme);
      expect(found.length, 'no <!-- include: examples/… --> block').toBeGreaterThan(0);
      for (const { path, block } of found) {
        expect(existsSync(path), `${path} is missing`).toBe(true);
        expect(block, `README block differs from ${path}`).toBe(readFileSync(path, 'utf8'));
      }
    },
  );

  it('the quick start holds exactly the two set-up lines', () => {
    const text = readFileSync(join(root, 'README.md'), 'utf8');
    expect(text).toContain('npx -y pnpm@12.4.2 install && npx -y pnpm@12.4.2 start\nnpx -y pnpm@12.4.2 test');
  });
});

describe('types', () => {
  it('every source, test and example file type-checks under the strict base config', async () => {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await promisify(execFile)(
      process.execPath,
      [tsc, '-p', join(root, 'tooling', 'tsconfig.check.json')],
      {
        cwd: root,
        timeout: 120_000,
      },
    ).then(
      () => '',
      (error: { stdout?: string; message: string }) => error.stdout || error.message,
    );
    expect(result).toBe('');
  }, 150_000);
});
