import { describe, expect, it } from 'vitest';
import {
  BEGIN,
  type CellResult,
  declaredVerdicts,
  END,
  renderSection,
  verdictChanges,
  verdicts,
  withSection,
} from '../runtimes/table.js';

const suite = (passed: number, failed: number, failures: string[] = []) => ({
  passed,
  failed,
  skipped: 1,
  leakCheck: 'on',
  failures,
});
const cells: CellResult[] = [
  { runtime: 'Node 22', package: 'tcp', suite: suite(74, 0), example: { ok: true, detail: '' } },
  {
    runtime: 'Deno',
    package: 'tcp',
    suite: suite(73, 1, ['tcp: close-write/large: received 3 of 8 MiB']),
    example: { ok: true, detail: '' },
  },
  { runtime: 'Bun', package: 'tls', suite: { ...suite(0, 0), crashed: 'does not load: no verifyError()' } },
];

describe('runtime table', () => {
  it('renders every cell, names every failure, and embeds the verdicts it is checked against', () => {
    const section = renderSection(cells, []);
    expect(section.startsWith(BEGIN) && section.endsWith(END)).toBe(true);
    expect(section).toContain('| Node 22 | ✓ 74 passed, 1 skipped · example ✓ | n/a |');
    expect(section).toContain('- Deno, tcp: tcp: close-write/large: received 3 of 8 MiB');
    expect(section).toContain('- Bun, tls: does not load: no verifyError()');
    const readme = withSection('# x\n\n<!-- runtimes:begin -->', section);
    expect(declaredVerdicts(readme)).toEqual(verdicts(cells));
  });

  it('replaces the marked section in place and keeps what surrounds it', () => {
    const readme = `# a\n\n${renderSection(cells, [])}\n\n## b\n`;
    const next = withSection(readme, renderSection(cells.slice(0, 1), []));
    expect(next.startsWith('# a\n\n')).toBe(true);
    expect(next.endsWith('\n\n## b\n')).toBe(true);
    expect(next).not.toContain('Deno');
  });

  it('a cell that starts or stops failing is a change; different counts alone are not', () => {
    const declared = verdicts(cells);
    const fixed = cells.map((c) => (c.runtime === 'Deno' ? { ...c, suite: suite(80, 0) } : c));
    expect(verdictChanges(declared, verdicts(fixed))).toEqual([
      'Deno, tcp: README says "suite fail, example pass", the run says "suite pass, example pass"',
    ]);
    const moreCases = cells.map((c) => (c.runtime === 'Node 22' ? { ...c, suite: suite(90, 0) } : c));
    expect(verdictChanges(declared, verdicts(moreCases))).toEqual([]);
    const brokenExample = cells.map((c) =>
      c.runtime === 'Node 22' ? { ...c, example: { ok: false, detail: 'exit 1' } } : c,
    );
    expect(verdictChanges(declared, verdicts(brokenExample))).toHaveLength(1);
  });

  it('a suite that passed no case does not pass', () => {
    expect(verdicts([{ runtime: 'X', package: 'p', suite: suite(0, 0) }])).toEqual({
      X: { p: 'suite fail' },
    });
  });
});

describe('runtime table refusals', () => {
  const refusedCell: CellResult = {
    runtime: 'Deno',
    package: 'tls',
    suite: { ...suite(0, 0), skipped: 0, refused: '@flowkit/tls does not run on deno: no backpressure' },
    example: { ok: false, refused: true, detail: '@flowkit/tls does not run on deno: no backpressure' },
  };

  it('a refusal is its own verdict, listed as a declared limit with its reason, not as a failure', () => {
    expect(verdicts([refusedCell])).toEqual({ Deno: { tls: 'suite refused, example refused' } });
    const section = renderSection([refusedCell], []);
    expect(section).toContain('| Deno | ⊘ refused (`unsupported-runtime`, below) · example ⊘ |');
    expect(section).toContain('Declared limits');
    expect(section).toContain('- Deno, tls: @flowkit/tls does not run on deno: no backpressure');
    expect(section).not.toContain('does not keep a promise');
  });

  it('a package that stops refusing (or starts) changes the verdict', () => {
    const ran: CellResult = {
      runtime: 'Deno',
      package: 'tls',
      suite: suite(5, 0),
      example: { ok: true, detail: '' },
    };
    expect(verdictChanges(verdicts([refusedCell]), verdicts([ran]))).toEqual([
      'Deno, tls: README says "suite refused, example refused", the run says "suite pass, example pass"',
    ]);
    // An example that fails for another reason is a failure, not a refusal.
    const broken: CellResult = { ...refusedCell, example: { ok: false, detail: 'exit 1' } };
    expect(verdicts([broken])).toEqual({ Deno: { tls: 'suite refused, example fail' } });
  });
});

describe('runtime table failure lines', () => {
  it('hold no port or absolute path, so a re-run does not change them', () => {
    const cell: CellResult = {
      runtime: 'Deno',
      package: 'tls',
      suite: suite(1, 1, ['reset by 127.0.0.1:45279 at /work/x/packages/tls/dist/index.js:466:1']),
    };
    expect(renderSection([cell], [])).toContain(
      '- Deno, tls: reset by 127.0.0.1:<port> at packages/tls/dist/index.js:466:1',
    );
  });
});
