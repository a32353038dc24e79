// What the matrix (matrix.ts) and one of its cells (suite.ts in another
// runtime, browser-page.ts in Chromium) agree on. Type imports only: the
// matrix reads it without loading a suite.
import type { ConformanceReport, PlannedCase } from '@flowkit/conformance/core';

/** The packages of the matrix, in table order. */
export const PACKAGES = ['memory', 'tcp', 'unix', 'tls', 'websocket'] as const;
export type MatrixPackage = (typeof PACKAGES)[number];

/** The env variable through which the matrix hands the TLS certificates to a cell. */
export const TLS_ENV = 'FLOWKIT_MATRIX_TLS';

/** The line prefix of a cell's report on its stdout. */
export const REPORT_PREFIX = '@@report ';

/** The line prefix of a cell whose package threw while loading. */
export const LOAD_ERROR_PREFIX = '@@load-error ';

/** What the matrix reads back from a cell. */
export interface CellReport {
  readonly package: MatrixPackage;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly durationMs: number;
  /** `on`, `off`, or why the leak check could not run here. */
  readonly leakCheck: string;
  /** `label: case id: reason`, one per failed case. */
  readonly failures: readonly string[];
  /**
   * Set when the package refused this runtime at the call (its typed
   * `unsupported-runtime` error): the error's message. No case ran.
   */
  readonly refused?: string;
}

/** The report's leak-check state as one phrase: `on`, `off`, or `unavailable: why`. */
export function leakText(leak: ConformanceReport['leakCheck']): string {
  return typeof leak === 'string' ? leak : `unavailable: ${leak.unavailable}`;
}

/**
 * The matrix checks portability, so it leaves out the stress topic (up to a
 * thousand flows at once under one time budget): on a 2-core machine running
 * two cells at once that measures load, not the runtime, and it made verdicts
 * flip. Each package's own vitest suite runs it.
 */
export const SKIPPED_TOPICS: readonly string[] = ['stress'];

/** Whether a planned case runs in the matrix. */
export function matrixCase(c: PlannedCase): boolean {
  return !SKIPPED_TOPICS.includes(c.topic.id);
}
