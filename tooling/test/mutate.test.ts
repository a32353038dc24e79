import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { floors, mutated, target } from '../mutate/packages.mjs';
import { belowTarget, gateFloor, score } from '../mutate/score.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const main = join(root, 'tooling/mutate/main.mjs');

const mutant = (status: string, line = 1) => ({
  status,
  mutatorName: 'ConditionalExpression',
  replacement: 'false',
  location: { start: { line, column: 5 } },
});

describe('the mutation score (tooling/mutate/score.mjs)', () => {
  it('counts killed and timed-out mutants over every one that ran or had no test', () => {
    const s = score({
      files: {
        'src/a.ts': {
          mutants: [
            mutant('Killed'),
            mutant('Killed'),
            mutant('Timeout'),
            mutant('Survived', 7),
            mutant('NoCoverage', 9),
            mutant('CompileError'),
            mutant('Ignored'),
          ],
        },
      },
    });
    expect(s.score).toBe(60);
    expect(s.count).toMatchObject({ Killed: 2, Timeout: 1, Survived: 1, NoCoverage: 1 });
    expect(s.survivors).toEqual([
      'Survived src/a.ts:7:5 ConditionalExpression: "false"',
      'NoCoverage src/a.ts:9:5 ConditionalExpression: "false"',
    ]);
  });

  it('the gate fails a score below the target, and a report with nothing to score', () => {
    expect(target).toBe(85);
    expect(belowTarget({ score: 84.99 }, 85)).toBe(true);
    expect(belowTarget({ score: 85 }, 85)).toBe(false);
    expect(belowTarget({ score: null }, 85)).toBe(true);
  });

  it('a package below the target fails the gate only under its recorded floor, every other package under the target', () => {
    expect(gateFloor('node-duplex', 85, { 'node-duplex': 74 })).toBe(74);
    expect(gateFloor('kernel', 85, { 'node-duplex': 74 })).toBe(85);
    // Own entries only: a polluted prototype lowers no package's bar.
    expect(gateFloor('toString', 85, {})).toBe(85);
    for (const [name, floor] of Object.entries(floors)) {
      expect(Object.keys(mutated)).toContain(name);
      expect(floor).toBeLessThan(target);
      expect(belowTarget({ score: floor }, gateFloor(name, target, floors))).toBe(false);
      expect(belowTarget({ score: floor - 0.01 }, gateFloor(name, target, floors))).toBe(true);
    }
  });
});

describe('pnpm mutate --check (tooling/mutate/main.mjs)', () => {
  it('fails, naming each package, when there is no baseline, and starts no Stryker run', () => {
    const empty = mkdtempSync(join(tmpdir(), 'flowkit-baselines-'));
    try {
      const started = Date.now();
      const run = spawnSync(process.execPath, [main, '--check'], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, FLOWKIT_MUTATE_BASELINES: empty },
        timeout: 30_000,
      });
      expect(run.status).toBe(1);
      for (const name of Object.keys(mutated)) {
        expect(run.stdout).toMatch(new RegExp(`^${name} +FAILED: no baseline \\(.*${name}\\.json\\)`, 'm'));
      }
      // A Stryker start alone takes several seconds.
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('refuses --mutate with --check (a narrowed score is no gate)', () => {
    const run = spawnSync(process.execPath, [main, '--check', '--mutate', 'src/a.ts', 'kernel'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--mutate needs globs, and is not for --incremental or --check');
  });
});
