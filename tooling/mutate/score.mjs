// The mutation score of one Stryker JSON report (mutation-testing-report-schema).

/**
 * Stryker's mutation score: detected (killed or timed out) over every mutant
 * that ran or had no test; compile and runtime errors and ignored mutants do
 * not count. `survivors` has one line per survived or uncovered mutant.
 * @param {{ files: Record<string, { mutants: { status: string, mutatorName: string, replacement?: string, location: { start: { line: number, column: number } } }[] }> }} report
 */
export function score(report) {
  const count = {};
  const survivors = [];
  for (const [file, { mutants }] of Object.entries(report.files)) {
    for (const m of mutants) {
      count[m.status] = (count[m.status] ?? 0) + 1;
      if (m.status === 'Survived' || m.status === 'NoCoverage') {
        const at = `${file}:${m.location.start.line}:${m.location.start.column}`;
        survivors.push(`${m.status} ${at} ${m.mutatorName}: ${JSON.stringify(m.replacement ?? '')}`);
      }
    }
  }
  const detected = (count.Killed ?? 0) + (count.Timeout ?? 0);
  const valid = detected + (count.Survived ?? 0) + (count.NoCoverage ?? 0);
  return { count, survivors, score: valid === 0 ? null : (100 * detected) / valid };
}

/**
 * Whether a package's score is below `target` (%): `pnpm mutate --check`
 * fails it. A report with no mutant that counts has no score, and is below.
 * @param {{ score: number | null }} s
 * @param {number} target
 */
export function belowTarget(s, target) {
  return s.score === null || s.score < target;
}

/**
 * The score (%) `pnpm mutate --check` fails a package under: its recorded
 * floor while it is still below the target, the target otherwise.
 * @param {string} name
 * @param {number} target
 * @param {Record<string, number>} floors
 */
export function gateFloor(name, target, floors) {
  return Object.hasOwn(floors, name) ? floors[name] : target;
}
