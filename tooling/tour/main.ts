// `pnpm start`: a short tour of every transport. For each: an echo check,
// bulk MB/s, round trips/s and a half-close check, then one result table.
// Exits non-zero if any check fails; cleans up on Ctrl-C.
import { bulk, type CheckResult, echo, halfClose, roundTrips } from './checks.js';
import { type OpenTransport, transports } from './transports.js';

const checks = [
  { name: 'echo', run: echo },
  { name: 'bulk', run: (p: Parameters<typeof echo>[0]) => bulk(p, 1_000) },
  { name: 'round trips', run: (p: Parameters<typeof echo>[0]) => roundTrips(p, 500) },
  { name: 'half-close', run: halfClose },
] as const;

const open = new Set<OpenTransport>();
let interrupted = false;
process.once('SIGINT', () => {
  interrupted = true;
  process.stderr.write('\ninterrupted: cleaning up\n');
  void Promise.all([...open].map((t) => t.dispose())).finally(() => process.exit(130));
});

const tty = process.stderr.isTTY === true;
function progress(text: string): void {
  if (tty) process.stderr.write(`\r\x1b[K${text}`);
  else process.stderr.write(`${text}\n`);
}

/** Bounds one check, so a broken transport fails the tour instead of hanging it. */
function bounded(run: () => Promise<CheckResult>, ms: number): Promise<CheckResult> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${ms} ms` }), ms);
  });
  return Promise.race([
    run().catch((error: unknown) => ({ ok: false, detail: `threw: ${String(error)}` })),
    timeout,
  ]).finally(() => clearTimeout(timer));
}

const rows: string[][] = [];
let failures = 0;
const started = performance.now();
for (const transport of transports) {
  if (interrupted) break;
  progress(`${transport.name}: setting up`);
  const row = [transport.name];
  let opened: OpenTransport | undefined;
  try {
    opened = await transport.open();
    open.add(opened);
    for (const check of checks) {
      if (interrupted) break;
      progress(`${transport.name}: ${check.name}…`);
      const current = opened;
      const result = await bounded(async () => {
        const flows = await current.pair();
        try {
          return await check.run(flows);
        } finally {
          for (const flow of flows) flow.abort('tour check finished');
        }
      }, 15_000);
      if (!result.ok) failures++;
      row.push(result.ok ? result.detail : `FAILED: ${result.detail}`);
    }
  } catch (error) {
    failures++;
    row.push(`FAILED to set up: ${String(error)}`);
  } finally {
    if (opened) {
      await opened.dispose();
      open.delete(opened);
    }
  }
  rows.push(row);
}
if (tty) process.stderr.write('\r\x1b[K');

const header = ['transport', ...checks.map((c) => c.name)];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
console.log(line(header));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const row of rows) console.log(line(row));
console.log(
  `\n${failures === 0 ? 'all checks passed' : `${failures} check(s) FAILED`} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
process.exitCode = failures === 0 ? 0 : 1;
