import { EOF, type Flow } from '@flowkit/flow-types';
import { type FaultOptions, pair } from '@flowkit/memory';
import { mix, PatternBook, rng } from './pattern.js';

/** The fault modes of `@flowkit/memory`, each run on its own or mixed. */
export type FaultMode = 'rechunk' | 'latency' | 'bandwidth' | 'resetAfter' | 'stall';

/** One seeded run: which faults, how much data each way, which capacity. */
export interface FaultCase {
  readonly seed: number;
  readonly faults: FaultOptions;
  readonly capacity: number;
  /** Bytes each end sends. */
  readonly sizes: readonly [number, number];
}

/** What one run saw; `problems` is empty when every promise held. */
export interface FaultRunOutcome {
  readonly bytesChecked: number;
  readonly bytesLost: number;
  readonly problems: readonly string[];
}

const book = new PatternBook(0xfa17);
const DEADLINE_MS = 10_000;
const READ_DEADLINE_MS = 3_000;

/** The modes a case injects. */
export function modesOf(faults: FaultOptions): FaultMode[] {
  const modes: FaultMode[] = [];
  if (faults.rechunk !== undefined) modes.push('rechunk');
  if (faults.latency !== undefined) modes.push('latency');
  if (faults.bandwidth !== undefined) modes.push('bandwidth');
  if (faults.resetAfter !== undefined) modes.push('resetAfter');
  if (faults.stall !== undefined && faults.stall !== false) modes.push('stall');
  return modes;
}

async function sendAll(flow: Flow, key: number, total: number, seed: number): Promise<void> {
  const stream = book.stream(key);
  const next = rng(seed);
  let offset = 0;
  while (offset < total) {
    const n = Math.min(total - offset, 1 + (next() % 3000));
    const chunk = new Uint8Array(n);
    stream.fill(chunk, offset);
    const w = await flow.write(chunk);
    if (!w.ok) return;
    offset += n;
  }
  await flow.close();
}

interface ReadEnd {
  readonly bytes: number;
  /** `EOF`, an error type, `stalled` (a read that waited 20 ms for nothing) or `wrong@N`. */
  readonly end: string;
}

/**
 * Reads and checks the pattern. With `stallProbe` > 0, a read that brings
 * nothing for that many ms is cancelled by its signal and the end is
 * `stalled`.
 */
async function readAll(flow: Flow, key: number, stallProbe: number): Promise<ReadEnd> {
  const stream = book.stream(key);
  let bytes = 0;
  for (let i = 0; i < 1_000_000; i++) {
    // A ref'd timer, unlike AbortSignal.timeout's, so a run alone in a process is not cut short.
    const c = stallProbe > 0 ? new AbortController() : undefined;
    const timer = c === undefined ? undefined : setTimeout(() => c.abort(), stallProbe);
    const r = await flow.read(c === undefined ? undefined : { signal: c.signal });
    clearTimeout(timer);
    if (!r.ok) {
      if (stallProbe > 0 && r.error.type === 'aborted') return { bytes, end: 'stalled' };
      return { bytes, end: r.error.type };
    }
    if (r.value === EOF) return { bytes, end: 'EOF' };
    const bad = stream.check(r.value, bytes);
    if (bad >= 0) return { bytes, end: `wrong@${bytes + bad}` };
    bytes += r.value.length;
  }
  return { bytes, end: 'too many reads' };
}

/**
 * Runs one case on a memory pair: both ends send their seeded pattern and
 * half-close, both read. Checks, by fault:
 *
 * - rechunk, latency, bandwidth only: every byte arrives, in order, then
 *   `EOF`, both ways.
 * - resetAfter N: exactly min(N, total) bytes are read over both
 *   directions, all correct; when N < total both ends then read `reset`.
 * - stall after K: each end reads exactly min(K, sent) correct bytes; then
 *   `EOF` if the sender sent fewer than K, else nothing comes (the read is
 *   cancelled by its signal without losing anything). `close({ signal })`
 *   then resolves.
 */
export async function runFaultCase(c: FaultCase): Promise<FaultRunOutcome> {
  const problems: string[] = [];
  const [a, b] = pair({ capacity: c.capacity, faults: c.faults });
  const ka = mix(c.seed, 0);
  const kb = mix(c.seed, 1);
  const [sa, sb] = c.sizes;
  const stall = c.faults.stall;
  const stallAfter =
    stall === true ? 0 : stall === undefined || stall === false ? Infinity : stall.afterBytes;
  const timed = c.faults.latency !== undefined || c.faults.bandwidth !== undefined;
  // A stalled reader waits forever, so stall runs read with a quiet-period probe.
  const probe = stallAfter === Infinity ? 0 : timed ? 250 : 20;
  const writers = [sendAll(a, ka, sa, mix(c.seed, 2)), sendAll(b, kb, sb, mix(c.seed, 3))];
  const readers = Promise.all([readAll(a, kb, probe), readAll(b, ka, probe)]);
  let hung = false;
  const watchdog = setTimeout(() => {
    // Aborting resolves every pending read, so the run ends and reports the hang.
    hung = true;
    a.abort(new Error('reads hung'));
    b.abort(new Error('reads hung'));
  }, READ_DEADLINE_MS);
  const [ra, rb] = await readers;
  clearTimeout(watchdog);
  if (hung) {
    problems.push(
      `reads did not finish within ${READ_DEADLINE_MS} ms (ended ${ra.end}/${rb.end} after ${ra.bytes}+${rb.bytes} bytes)`,
    );
  }
  const total = sa + sb;
  const got = ra.bytes + rb.bytes;
  for (const [name, r] of [
    ['a', ra],
    ['b', rb],
  ] as const) {
    if (r.end.startsWith('wrong'))
      problems.push(`end ${name}: byte ${r.end.slice(6)} differs from the pattern`);
  }
  const resetAfter = c.faults.resetAfter;
  let expected = total;
  if (resetAfter !== undefined && resetAfter < total) {
    // Which direction's reads consumed the budget is a matter of timing; the total is not.
    expected = resetAfter;
    if (got !== resetAfter) problems.push(`resetAfter ${resetAfter}: read ${got} bytes in all`);
    for (const r of [ra, rb])
      if (r.end !== 'reset' && r.end !== 'EOF') problems.push(`after the reset read ${r.end}`);
    if (ra.end !== 'reset' && rb.end !== 'reset') problems.push('no end saw the reset');
  } else if (stallAfter !== Infinity && !timed) {
    const want = [Math.min(stallAfter, sb), Math.min(stallAfter, sa)];
    expected = want[0]! + want[1]!;
    for (const [i, r] of [ra, rb].entries()) {
      const sent = i === 0 ? sb : sa;
      if (r.bytes !== want[i]) problems.push(`stall ${stallAfter}: end ${i} read ${r.bytes} of ${want[i]}`);
      const end = sent < stallAfter ? 'EOF' : 'stalled';
      if (r.end !== end) problems.push(`stall ${stallAfter}: end ${i} ended ${r.end}, expected ${end}`);
    }
  } else if (stallAfter === Infinity) {
    if (ra.end !== 'EOF' || rb.end !== 'EOF') problems.push(`ended ${ra.end}/${rb.end} instead of EOF`);
    if (ra.bytes !== sb || rb.bytes !== sa) problems.push(`read ${rb.bytes}/${sa} and ${ra.bytes}/${sb}`);
  }
  const stop = new AbortController();
  const closing = [a.close({ signal: stop.signal }), b.close({ signal: stop.signal })];
  stop.abort();
  a.abort();
  b.abort();
  let cancel = () => {};
  const settled = await Promise.race([
    Promise.all([...writers, ...closing]).then(() => true),
    new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), DEADLINE_MS);
      cancel = () => clearTimeout(t);
    }),
  ]);
  cancel();
  if (!settled) problems.push('writes or closes still pending after abort');
  return { bytesChecked: got, bytesLost: Math.max(0, expected - got), problems };
}

import fc from 'fast-check';

/**
 * Seeded fault cases covering every mode alone and mixed: re-chunking down
 * to 1 byte, latency with jitter (0–2 ms), bandwidth (1–50 MB/s), resets
 * after 0…total bytes, stalls at once or after some bytes. Stall is never
 * mixed with timed faults (silence cannot tell a stall from a slow link) nor
 * with resetAfter (a stalled reader may never spend the budget).
 */
export function faultCaseArbitrary(): fc.Arbitrary<FaultCase> {
  const rechunk = fc.record({ maxChunk: fc.integer({ min: 1, max: 2048 }) });
  const latency = fc.record({ ms: fc.integer({ min: 0, max: 2 }), jitterMs: fc.integer({ min: 0, max: 2 }) });
  const bandwidth = fc.record({ bytesPerSecond: fc.integer({ min: 1_000_000, max: 50_000_000 }) });
  const stall = fc.oneof(
    fc.constant(true as const),
    fc.record({ afterBytes: fc.integer({ min: 0, max: 9000 }) }),
  );
  // resetAfter and stall are not mixed: a stalled reader may never spend the reset budget.
  const untimed = fc.oneof(
    fc.record({ rechunk, resetAfter: fc.integer({ min: 0, max: 20_000 }) }, { requiredKeys: [] }),
    fc.record({ rechunk, stall }, { requiredKeys: ['stall'] }),
  );
  const timed = fc.record(
    { rechunk, latency, bandwidth, resetAfter: fc.integer({ min: 0, max: 20_000 }) },
    { requiredKeys: [] },
  );
  return fc.record({
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    faults: fc
      .oneof(untimed, timed)
      .chain((f) => fc.integer({ min: 0, max: 2 ** 31 - 1 }).map((seed) => ({ ...f, seed }) as FaultOptions)),
    capacity: fc.integer({ min: 1, max: 65_536 }),
    sizes: fc.tuple(fc.integer({ min: 0, max: 8_000 }), fc.integer({ min: 0, max: 8_000 })),
  });
}
