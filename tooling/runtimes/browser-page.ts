// The page of the browser run (browser.ts bundles it with esbuild from the
// BUILT packages): memory's and combinators' conformance cases through the
// runner-neutral core, in a real browser, posted back as one JSON report.

import { buffered } from '@flowkit/combinators';
import { type ConformanceReport, runConformance } from '@flowkit/conformance/core';
import { connect, listen, pair } from '@flowkit/memory';
import { type CellReport, leakText, matrixCase } from './cell.js';

let names = 0;
const fresh = () => `browser-${++names}`;

function cell(
  pkg: string,
  reports: readonly ConformanceReport[],
  started: number,
): Omit<CellReport, 'package'> & { package: string } {
  const failures = reports.flatMap((r) =>
    r.cases.filter((c) => c.status === 'failed').map((c) => `${c.id}: ${(c.reason ?? '').split('\n')[0]}`),
  );
  const last = reports.at(-1);
  return {
    package: pkg,
    passed: reports.reduce((n, r) => n + r.passed, 0),
    failed: reports.reduce((n, r) => n + r.failed, 0),
    skipped: reports.reduce((n, r) => n + r.skipped, 0),
    durationMs: Date.now() - started,
    leakCheck: last === undefined ? 'off' : leakText(last.leakCheck),
    failures,
  };
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const memory = await runConformance({
    filter: matrixCase,
    flow: { name: 'memory pair', makePair: async () => pair(), leakCheck: true },
    listener: {
      name: 'memory listen/connect',
      listen: () => listen({ name: fresh() }),
      connect: (l) => connect({ name: l.address.name }),
      connectToNothing: () => connect({ name: fresh() }),
      listenAgain: (l) => listen({ name: l.address.name }),
    },
  });
  const t1 = Date.now();
  const combinators = await runConformance({
    filter: matrixCase,
    flow: {
      name: 'buffered memory pair',
      makePair: async () => {
        const [a, b] = pair();
        return [buffered(a), buffered(b)] as const;
      },
    },
  });
  const body = JSON.stringify({
    userAgent: navigator.userAgent,
    cells: [cell('memory', [memory], t0), cell('combinators', [combinators], t1)],
  });
  await fetch('/report', { method: 'POST', body });
}

main().catch((error: unknown) =>
  fetch('/report', { method: 'POST', body: JSON.stringify({ error: String(error) }) }),
);
