import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** An example a README embeds: where the file is, and a flat name for a copy of it. */
export interface ReadmeExample {
  readonly path: string;
  readonly name: string;
}

/**
 * Every file that a README embeds with `<!-- include: file -->`: the root
 * README and each package's. tooling/test/docs.test.ts keeps each block equal
 * to its file, so checking the files checks what readers see.
 */
export function readmeExamples(root: string): ReadmeExample[] {
  const readmes = [join(root, 'README.md')];
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    const readme = join(root, 'packages', dir, 'README.md');
    if (existsSync(readme)) readmes.push(readme);
  }
  const found: ReadmeExample[] = [];
  for (const readme of readmes) {
    for (const match of readFileSync(readme, 'utf8').matchAll(/<!-- include: (\S+\.ts) -->/g)) {
      const path = resolve(dirname(readme), match[1] ?? '');
      const name = relative(root, path).replaceAll('/', '__');
      if (!found.some((e) => e.path === path)) found.push({ path, name });
    }
  }
  return found;
}
