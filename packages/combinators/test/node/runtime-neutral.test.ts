import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../../src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every module specifier a file imports or re-exports, static or dynamic. */
function specifiers(code: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\bimport\s+['"]([^'"]+)['"]/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) found.push(m[1]!);
  return found;
}

describe('runtime neutrality', () => {
  it('the scanner sees node: imports (so the check below can fail)', () => {
    expect(specifiers(`import { x } from 'node:fs';\nconst y = await import("node:net");`)).toEqual([
      'node:fs',
      'node:net',
    ]);
  });

  it('src imports nothing but flow-types, the kernel and itself: no node: built-ins', () => {
    const files = sources(src);
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      for (const spec of specifiers(readFileSync(file, 'utf8'))) {
        expect(
          spec.startsWith('./') || spec === '@flowkit/flow-types' || spec === '@flowkit/kernel',
          `${file} imports ${spec}`,
        ).toBe(true);
      }
    }
  });
});
