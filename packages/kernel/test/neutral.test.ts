import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const nodeImport = /(?:from\s*|import\s*\(\s*|import\s+|require\s*\(\s*)['"]node:/;

describe('runtime neutrality', () => {
  it('the scanner recognises node: imports', () => {
    expect(nodeImport.test("import { x } from 'node:net';")).toBe(true);
    expect(nodeImport.test("import 'node:fs';")).toBe(true);
    expect(nodeImport.test('const m = await import("node:os");')).toBe(true);
    expect(nodeImport.test("import { EOF } from '@flowkit/flow-types';")).toBe(false);
  });

  it('no file under src/ imports a node: module', () => {
    const files = sources(src);
    expect(files.length).toBeGreaterThanOrEqual(8);
    const offenders = files.filter((f) => nodeImport.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
