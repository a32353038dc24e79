// Random fault combinations × random operation sequences: whatever the faults
// do, no operation may be left pending once the flow is reset, aborted or
// closed, and the reader only ever sees a prefix of what was written.
import { EOF, type ReadResult, type WriteResult } from '@flowkit/flow-types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FaultOptions, type MemoryFlow, pair } from '../src/index.js';
import { concat, pattern, settle } from './helpers.js';

type End = 0 | 1;

type Op =
  | { readonly kind: 'write'; readonly end: End; readonly size: number; readonly vectored: boolean }
  | { readonly kind: 'read'; readonly end: End; readonly deadline: boolean }
  /** Fires every read deadline and close signal handed out on `end` so far. */
  | { readonly kind: 'deadline'; readonly end: End }
  | { readonly kind: 'close'; readonly end: End; readonly signal: boolean }
  | { readonly kind: 'abort'; readonly end: End }
  /** Lets queued microtasks run, so later operations meet a different state. */
  | { readonly kind: 'yield' };

interface Tracked<T> {
  readonly promise: Promise<T>;
  done: boolean;
  value: T | undefined;
}

function tracked<T>(promise: Promise<T>): Tracked<T> {
  const t: Tracked<T> = { promise, done: false, value: undefined };
  void promise.then((value) => {
    t.done = true;
    t.value = value;
  });
  return t;
}

interface ReadOp {
  readonly result: Tracked<ReadResult>;
  /** Whether the read had a signal (a cancelled one may resolve `aborted` at any point). */
  readonly cancellable: boolean;
}

/** Microtask turns an abort or a fired signal may take to settle what it ends; no timers. */
const TURNS = 20;
/** Hang bound for the drain phase, where timed faults need real timers to deliver. */
const DRAIN_LIMIT_MS = 1_000;
const MAX_DRAIN_READS = 10_000;

const end = fc.constantFrom<End>(0, 1);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('write' as const),
      end,
      size: fc.integer({ min: 1, max: 48 }),
      vectored: fc.boolean(),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant('read' as const), end, deadline: fc.boolean() }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('deadline' as const), end }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('close' as const), end, signal: fc.boolean() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('abort' as const), end }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'yield' as const }), weight: 2 },
);

const faultArb: fc.Arbitrary<FaultOptions> = fc.record(
  {
    seed: fc.integer(),
    rechunk: fc.record({ maxChunk: fc.integer({ min: 1, max: 16 }) }),
    latency: fc.record({ ms: fc.integer({ min: 0, max: 2 }), jitterMs: fc.integer({ min: 0, max: 2 }) }),
    bandwidth: fc.record({ bytesPerSecond: fc.integer({ min: 100_000, max: 5_000_000 }) }),
    resetAfter: fc.integer({ min: 0, max: 100 }),
    stall: fc.oneof(fc.constant(true as const), fc.record({ afterBytes: fc.integer({ min: 0, max: 200 }) })),
  },
  { requiredKeys: ['seed'] },
);

/** Each end writes consecutive slices of its own pattern, so a prefix check is exact. */
const streams = [pattern(16 * 48, 0), pattern(16 * 48, 101)] as const;

const readLabel = (r: ReadResult | undefined) =>
  r === undefined ? 'pending' : r.ok ? (r.value === EOF ? 'EOF' : 'data') : r.error.type;

async function runCase(faults: FaultOptions, capacity: number, ops: readonly Op[]): Promise<void> {
  const ends = pair({ faults, capacity });
  try {
    await exercise(ends, faults, ops);
  } finally {
    // A failed check must not leave latency timers behind.
    ends[0].abort();
    ends[1].abort();
  }
}

async function exercise(
  ends: [MemoryFlow, MemoryFlow],
  faults: FaultOptions,
  ops: readonly Op[],
): Promise<void> {
  const issued: [number, number] = [0, 0];
  const reads: [ReadOp[], ReadOp[]] = [[], []];
  const writes: { readonly end: End; readonly size: number; readonly result: Tracked<WriteResult> }[] = [];
  const closes: [Tracked<void>[], Tracked<void>[]] = [[], []];
  const controllers: [AbortController[], AbortController[]] = [[], []];
  /** Whether an end was aborted (directly, or by a close signal) before the drain. */
  const aborted: [boolean, boolean] = [false, false];

  const read = (e: End, deadline: boolean) => {
    const c = deadline ? new AbortController() : undefined;
    if (c !== undefined) controllers[e].push(c);
    const op = {
      result: tracked(ends[e].read(c === undefined ? undefined : { signal: c.signal })),
      cancellable: deadline,
    };
    reads[e].push(op);
    return op;
  };

  for (const op of ops) {
    if (op.kind === 'yield') {
      await settle(3);
      continue;
    }
    const e = op.end;
    const flow: MemoryFlow = ends[e];
    switch (op.kind) {
      case 'write': {
        const data = streams[e].subarray(issued[e], issued[e] + op.size);
        issued[e] += op.size;
        const half = op.size >> 1;
        const p = op.vectored ? flow.writev([data.subarray(0, half), data.subarray(half)]) : flow.write(data);
        writes.push({ end: e, size: op.size, result: tracked(p) });
        break;
      }
      case 'read':
        read(e, op.deadline);
        break;
      case 'close': {
        const c = op.signal ? new AbortController() : undefined;
        if (c !== undefined) controllers[e].push(c);
        closes[e].push(tracked(flow.close(c === undefined ? undefined : { signal: c.signal })));
        break;
      }
      case 'deadline': {
        const fired = controllers[e].splice(0);
        const before = flow.readHalf;
        for (const c of fired) c.abort(new Error('deadline'));
        // Read signals never fail the read half: a `close({ signal })` that fired did (synchronously).
        if (before !== 'failed' && flow.readHalf === 'failed') aborted[e] = true;
        await settle(TURNS);
        // A stalled or empty read is a cancellable wait: its deadline ends it.
        for (const r of reads[e]) if (r.cancellable) expect(r.result.done).toBe(true);
        break;
      }
      case 'abort': {
        const wasClosed = flow.readHalf === 'eof' && ends[e === 0 ? 1 : 0].readHalf === 'eof';
        flow.abort(new Error('test abort'));
        aborted[e] = true;
        await settle(TURNS);
        const mine = [
          ...reads[e],
          ...writes.filter((w) => w.end === e),
          ...closes[e].map((result) => ({ result })),
        ];
        for (const r of mine) expect(r.result.done).toBe(true);
        // The remote is reset unless both ends had already closed cleanly.
        if (!wasClosed) for (const r of reads[e === 0 ? 1 : 0]) expect(r.result.done).toBe(true);
        break;
      }
    }
  }

  const stall = faults.stall !== undefined;
  if (!stall) {
    // Without a stall everything ends on its own: close both ends, then drain
    // them. Closing first lets both directions end while data is still
    // unread, so a reset budget may run out on ends that are already closed.
    for (const e of [0, 1] as const) closes[e].push(tracked(ends[e].close()));
    const drains = ([0, 1] as const).map(async (e) => {
      for (let i = 0; i < MAX_DRAIN_READS; i++) {
        const r = await read(e, false).result.promise;
        if (!r.ok || r.value === EOF) return;
      }
      throw new Error(`end ${e}: no EOF or error after ${MAX_DRAIN_READS} reads`);
    });
    const everything = [
      ...drains,
      ...writes.map((w) => w.result.promise),
      ...reads.flat().map((r) => r.result.promise),
      ...closes.flat().map((c) => c.promise),
    ];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hung = await Promise.race([
      Promise.all(everything).then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), DRAIN_LIMIT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (hung) {
      ends[0].abort();
      ends[1].abort();
    }
    expect(
      hung,
      `${JSON.stringify(faults)}: ${reads.map((rs) => rs.map((r) => readLabel(r.result.value)).join(','))}`,
    ).toBe(false);
  }

  // Any wait left (a stalled reader, a writer blocked on it) is cancellable.
  for (const e of [0, 1] as const) {
    const probe = read(e, true);
    const before = ends[e].readHalf;
    for (const c of controllers[e].splice(0)) c.abort(new Error('probe deadline'));
    // Among the signals fired may be a `close({ signal })`'s: that aborts the end.
    if (before !== 'failed' && ends[e].readHalf === 'failed') aborted[e] = true;
    await settle(TURNS);
    expect(probe.result.done).toBe(true);
  }
  // Reads still waiting now end by the aborts below, as `aborted` or `reset`.
  const cutByTest = new Set(reads.flat().filter((r) => !r.result.done));
  ends[0].abort();
  ends[1].abort();
  await settle(TURNS);
  for (const r of reads.flat()) expect(r.result.done).toBe(true);
  for (const w of writes) expect(w.result.done).toBe(true);
  for (const c of closes.flat()) expect(c.done).toBe(true);

  // Every outcome is a typed value, and the reader saw a prefix of what was written.
  for (const w of writes) {
    const v = w.result.value!;
    if (!v.ok) expect(v.error.type).toBe('closed');
  }
  const received: number[] = [];
  const endedAs: (string | undefined)[] = [];
  for (const e of [0, 1] as const) {
    const peer: End = e === 0 ? 1 : 0;
    const chunks: Uint8Array[] = [];
    let ended: string | undefined;
    for (const r of reads[e]) {
      const v = r.result.value!;
      if (!v.ok) {
        expect(['aborted', 'reset']).toContain(v.error.type);
        if (v.error.type === 'reset' && !cutByTest.has(r)) {
          expect(faults.resetAfter !== undefined || aborted[peer]).toBe(true);
        }
        // A read cancelled by its own signal loses nothing and ends nothing.
        if (!(r.cancellable && v.error.type === 'aborted' && /signal/.test(v.error.message)))
          ended = v.error.type;
        continue;
      }
      // Nothing after an error; after EOF only EOF, or a reset fault's error.
      expect(ended === undefined || ended === 'EOF', `data or EOF after ${ended}`).toBe(true);
      if (v.value === EOF) {
        ended = 'EOF';
        continue;
      }
      expect(ended, 'data after EOF').toBeUndefined();
      expect(v.value.length).toBeGreaterThan(0);
      chunks.push(v.value);
    }
    const got = concat(chunks);
    expect(got.length).toBeLessThanOrEqual(issued[peer]);
    expect(got).toEqual(streams[peer].subarray(0, got.length));
    received.push(got.length);
    endedAs.push(ended);
    const stallAfter =
      faults.stall === true
        ? 0
        : faults.stall === undefined || faults.stall === false
          ? Number.POSITIVE_INFINITY
          : faults.stall.afterBytes;
    expect(got.length).toBeLessThanOrEqual(stallAfter);
    if (!stall && faults.resetAfter === undefined && !aborted[0] && !aborted[1]) {
      // Nothing cut the connection: every accepted byte arrived, then EOF.
      let accepted = 0;
      for (const w of writes) if (w.end === peer && w.result.value?.ok) accepted += w.size;
      expect(got.length).toBe(accepted);
      expect(ended).toBe('EOF');
    }
  }
  const budget = faults.resetAfter;
  if (budget !== undefined) {
    expect(received[0]! + received[1]!).toBeLessThanOrEqual(budget);
    if (!stall && !aborted[0] && !aborted[1]) {
      // Both ends were drained: the budget is spent exactly when enough was
      // accepted, and then an end sees the reset, whatever state it was in.
      let accepted = 0;
      for (const w of writes) if (w.result.value?.ok) accepted += w.size;
      if (accepted >= budget) {
        expect(received[0]! + received[1]!).toBe(budget);
        expect(endedAs).toContain('reset');
      } else {
        expect(endedAs).toEqual(['EOF', 'EOF']);
      }
    }
  }
}

describe('faults: every operation settles (property)', () => {
  it('random faults × random write/close/abort/read-with-deadline sequences: nothing hangs, readers get a prefix', async () => {
    await fc.assert(
      fc.asyncProperty(
        faultArb,
        fc.integer({ min: 1, max: 128 }),
        fc.array(opArb, { maxLength: 16 }),
        runCase,
      ),
      { seed: 20_261_125, numRuns: 100, interruptAfterTimeLimit: 15_000, markInterruptAsFailure: true },
    );
  });
});
