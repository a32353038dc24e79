/** A mutant in Stryker's JSON report, as far as the score reads it. */
export interface ReportMutant {
  readonly status: string;
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly location: { readonly start: { readonly line: number; readonly column: number } };
}

/** One package's score; see score.mjs. */
export interface Score {
  readonly count: Readonly<Record<string, number>>;
  readonly survivors: readonly string[];
  readonly score: number | null;
}

export function score(report: {
  readonly files: Record<string, { readonly mutants: readonly ReportMutant[] }>;
}): Score;
export function belowTarget(s: { readonly score: number | null }, target: number): boolean;
/** The score (%) `pnpm mutate --check` fails a package under: its floor, or the target. */
export function gateFloor(name: string, target: number, floors: Readonly<Record<string, number>>): number;
