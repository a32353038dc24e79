import type { CaseSpec, Target, Unit } from './cases.js';
import { type Summary, summarise } from './stats.js';
import type { Sample } from './workloads/shared.js';

/** What the runner collected for one contender of one case. */
export interface Collected {
  readonly samples: Sample[];
  readonly errors: string[];
  readonly unavailable?: string;
}

/** One case in `bench/results.json`. */
export interface CaseResult {
  readonly name: string;
  readonly transport: string;
  readonly workload: string;
  readonly unit: Unit;
  readonly better: 'higher' | 'lower';
  readonly rounds: number;
  /** `ok`: every contender produced a number. */
  readonly status: 'ok' | 'failed' | 'not available';
  /** Why not `ok`: unavailable transports, failed samples. */
  readonly problems: string[];
  /** Median per contender (`flowkit` and each baseline), in `unit`; `null` without a number. */
  readonly medians: Record<string, number | null>;
  readonly ranges: Record<string, { readonly min: number; readonly max: number } | null>;
  readonly samples: Record<string, readonly number[]>;
  /** flowkit's median ÷ each baseline's median. */
  readonly ratios: Record<string, number | null>;
  readonly target: TargetResult | null;
  /** Extra figures (bytes written, RSS per flow…) from each contender's median sample. */
  readonly details: Record<string, Readonly<Record<string, number | string>>>;
  readonly notes: readonly string[];
}

export interface TargetResult {
  /** A baseline name, or `null` when the target is on flowkit's own median. */
  readonly against: string | null;
  readonly op: '>=' | '<=';
  readonly value: number;
  readonly measured: number | null;
  /** `null` when there was nothing to compare. */
  readonly met: boolean | null;
}

function medianSample(samples: readonly Sample[], summary: Summary): Sample | undefined {
  let best: Sample | undefined;
  for (const s of samples) {
    if (best === undefined || Math.abs(s.value - summary.median) < Math.abs(best.value - summary.median))
      best = s;
  }
  return best;
}

/** Rates must be positive; memory figures may legitimately be zero, never negative or NaN. */
export function plausible(unit: Unit, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  return unit === 'bytes/s' || unit === 'round trips/s' ? value > 0 : value >= 0;
}

function judge(
  target: Target | undefined,
  medians: Record<string, number | null>,
  ratios: Record<string, number | null>,
): TargetResult | null {
  if (target === undefined) return null;
  const measured =
    target.against === undefined ? (medians.flowkit ?? null) : (ratios[target.against] ?? null);
  const met =
    measured === null ? null : target.op === '>=' ? measured >= target.value : measured <= target.value;
  return { against: target.against ?? null, op: target.op, value: target.value, measured, met };
}

/** Turns what was collected into the JSON entry of one case. */
export function result(spec: CaseSpec, collected: ReadonlyMap<string, Collected>): CaseResult {
  const medians: Record<string, number | null> = {};
  const ranges: CaseResult['ranges'] = {};
  const samples: CaseResult['samples'] = {};
  const details: CaseResult['details'] = {};
  const problems: string[] = [];
  let unavailable = false;
  for (const contender of spec.contenders) {
    const got = collected.get(contender.name);
    const values = (got?.samples ?? []).map((s) => s.value).filter((v) => plausible(spec.unit, v));
    const summary = summarise(values);
    medians[contender.name] = summary?.median ?? null;
    ranges[contender.name] = summary ? { min: summary.min, max: summary.max } : null;
    samples[contender.name] = values;
    const typical = summary && got ? medianSample(got.samples, summary) : undefined;
    if (typical?.extra) details[contender.name] = typical.extra;
    if (got?.unavailable !== undefined) {
      unavailable = true;
      problems.push(`${contender.name}: not available: ${got.unavailable}`);
    } else if (summary === undefined) {
      problems.push(
        `${contender.name}: no number${got && got.errors.length > 0 ? ` (${got.errors[0]})` : ''}`,
      );
    } else if (got && got.errors.length > 0) {
      problems.push(
        `${contender.name}: ${got.errors.length} of ${spec.rounds} rounds failed (${got.errors[0]})`,
      );
    }
  }
  const ratios: Record<string, number | null> = {};
  const own = medians.flowkit ?? null;
  for (const contender of spec.contenders.slice(1)) {
    const theirs = medians[contender.name] ?? null;
    ratios[contender.name] = own !== null && theirs !== null && theirs !== 0 ? own / theirs : null;
  }
  const everyNumber = spec.contenders.every((c) => medians[c.name] !== null);
  return {
    name: spec.name,
    transport: spec.transport,
    workload: spec.workload,
    unit: spec.unit,
    better: spec.better,
    rounds: spec.rounds,
    status: unavailable ? 'not available' : everyNumber ? 'ok' : 'failed',
    problems,
    medians,
    ranges,
    samples,
    ratios,
    target: judge(spec.target, medians, ratios),
    details,
    notes: spec.notes,
  };
}

const SCALES: Record<Unit, { readonly divisor: number; readonly digits: number; readonly suffix: string }> = {
  'bytes/s': { divisor: 2 ** 20, digits: 1, suffix: 'MiB/s' },
  'round trips/s': { divisor: 1000, digits: 1, suffix: 'k/s' },
  bytes: { divisor: 2 ** 20, digits: 1, suffix: 'MiB' },
  'bytes/flow': { divisor: 1024, digits: 2, suffix: 'KiB' },
};

function number(unit: Unit, value: number): string {
  const { divisor, digits } = SCALES[unit];
  return (value / divisor).toFixed(digits);
}

/** A value in a unit people read easily. */
export function show(unit: Unit, value: number): string {
  return `${number(unit, value)} ${SCALES[unit].suffix}`;
}

function showTarget(unit: Unit, t: TargetResult): string {
  const op = t.op === '>=' ? '≥' : '≤';
  return t.against === null ? `${op} ${show(unit, t.value)}` : `${op} ${t.value.toFixed(2)}`;
}

function cell(unit: Unit, median: number | null, range: { min: number; max: number } | null): string {
  if (median === null || range === null) return '—';
  return `${number(unit, median)} [${number(unit, range.min)}–${number(unit, range.max)}] ${SCALES[unit].suffix}`;
}

/** Three significant digits at most, never rounded to zero (memory's zero-copy bulk is a few thousandths of a ns/B). */
function cpuFigure(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 0.1 ? v.toPrecision(3) : v.toPrecision(2);
}

/**
 * Process CPU per byte (ns/B) or per round trip (µs) of flowkit's median
 * sample and the baseline's, where the case measured it (`withCpu`).
 */
export function cpuCell(r: CaseResult, baseline: string): string {
  const figure = (name: string): number | undefined => {
    const d = r.details[name];
    const v = d?.cpuNsPerByte ?? d?.cpuMicrosPerTrip;
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  };
  const own = figure('flowkit');
  const theirs = figure(baseline);
  if (own === undefined || theirs === undefined) return '';
  const unit = r.details.flowkit?.cpuNsPerByte === undefined ? 'µs/trip' : 'ns/B';
  return `${cpuFigure(own)} / ${cpuFigure(theirs)} ${unit}`;
}

/** The stdout table: one line per case and baseline, the target beside the ratio it applies to. */
export function table(results: readonly CaseResult[]): string {
  const rows: string[][] = [
    [
      'case',
      'flowkit median [min–max]',
      'vs',
      'baseline median [min–max]',
      'ratio',
      'CPU flowkit / baseline',
      'target',
      '',
    ],
  ];
  for (const r of results) {
    const flowkit = r.problems.some((p) => p.startsWith('flowkit: not available'))
      ? 'not available'
      : cell(r.unit, r.medians.flowkit ?? null, r.ranges.flowkit ?? null);
    const baselines = Object.keys(r.ratios);
    const absolute = r.target !== null && r.target.against === null;
    const lines = baselines.length === 0 ? [''] : baselines;
    lines.forEach((name, i) => {
      const ratio = r.ratios[name];
      const t = r.target;
      const here = t !== null && (t.against === name || (absolute && i === 0));
      rows.push([
        i === 0 ? r.name : '',
        i === 0 ? flowkit : '',
        name,
        name === '' ? '' : cell(r.unit, r.medians[name] ?? null, r.ranges[name] ?? null),
        ratio === null || ratio === undefined ? '—' : ratio.toFixed(2),
        name === '' ? '' : cpuCell(r, name),
        here && t ? showTarget(r.unit, t) : '',
        here && t ? (t.met === null ? 'n/a' : t.met ? 'met' : 'MISSED') : '',
      ]);
    });
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((text, c) => text.padEnd(widths[c] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
