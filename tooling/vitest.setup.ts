import { afterAll, beforeAll, it } from 'vitest';

/**
 * Fails a test file that leaves sockets, servers, child processes or timers
 * behind. Resource kinds come from `process.getActiveResourcesInfo()`; the
 * baseline is what the worker already held before the file's tests ran.
 */
const watched = new Set([
  'TCPSocketWrap',
  'TCPServerWrap',
  'PipeWrap',
  'PipeServerWrap',
  'TLSWrap',
  'UDPWrap',
  'ProcessWrap',
  'Timeout',
  'Immediate',
]);

function census(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) {
    if (watched.has(kind)) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return counts;
}

function excess(baseline: Map<string, number>): string[] {
  const out: string[] = [];
  for (const [kind, n] of census()) {
    const extra = n - (baseline.get(kind) ?? 0);
    if (extra > 0) out.push(`${extra} × ${kind}`);
  }
  return out;
}

/**
 * Why the check cannot run here, or undefined where it can. Bun has
 * `process.getActiveResourcesInfo()` but it returns [] whatever is open, so a
 * census there would pass every leak: the check declares itself off instead,
 * as a skipped test in every file.
 */
const unavailable =
  'Bun' in globalThis
    ? `Bun ${process.versions.bun}: process.getActiveResourcesInfo() returns [] there`
    : undefined;
if (unavailable !== undefined) it.skip(`leak check (unavailable: ${unavailable})`, () => {});

let baseline = new Map<string, number>();

beforeAll(() => {
  if (unavailable !== undefined) return;
  baseline = census();
  // The runner's own timers come and go around hooks; a settled worker has
  // none, so every timer still alive after the grace period below is a leak.
  baseline.delete('Timeout');
  baseline.delete('Immediate');
});

afterAll(async () => {
  if (unavailable !== undefined) return;
  // Closed handles are released on a later turn of the event loop; give them
  // up to two seconds, checking between (not during) short sleeps.
  const deadline = Date.now() + 2_000;
  let leaked = excess(baseline);
  while (leaked.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    leaked = excess(baseline);
  }
  if (leaked.length > 0) {
    throw new Error(`test file leaked handles: ${leaked.join(', ')}`);
  }
});
