import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Matches an import or require of a `node:` module, static or dynamic. */
export const nodeImport = /(?:from\s*|import\s*\(\s*|import\s+|require\s*\(\s*)['"]node:/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/**
 * Registers the runtime-neutrality tests of a package that promises to run
 * in any JavaScript runtime: no file under `src` imports a `node:` module.
 * `minFiles` guards against scanning the wrong folder.
 */
export function describeRuntimeNeutral(src: string, minFiles: number): void {
  describe('runtime neutrality', () => {
    it('the scanner recognises node: imports', () => {
      expect(nodeImport.test("import { x } from 'node:net';")).toBe(true);
      expect(nodeImport.test("import 'node:fs';")).toBe(true);
      expect(nodeImport.test('const m = await import("node:os");')).toBe(true);
      expect(nodeImport.test("import { EOF } from '@flowkit/flow-types';")).toBe(false);
    });

    it('no file under src/ imports a node: module', () => {
      const files = sources(src);
      expect(files.length).toBeGreaterThanOrEqual(minFiles);
      const offenders = files.filter((f) => nodeImport.test(readFileSync(f, 'utf8')));
      expect(offenders).toEqual([]);
    });
  });
}
