import type { Flow, WriteResult } from '@flowkit/flow-types';
import { EOF } from '@flowkit/flow-types';
import fc from 'fast-check';
import { ConformanceError, checkBytes, concat, fail } from '../support/assert.js';
import {
  expectOk,
  read,
  readUntilEof,
  receiveExactly,
  startClose,
  startWrite,
  startWritev,
  task,
} from '../support/ops.js';
import { pattern } from '../support/pattern.js';
import { remaining, withTimeout } from '../support/timing.js';
import { closeBoth } from '../support/transfer.js';
import type { FlowCaseContext, FlowTopic } from '../support/types.js';

/** Fixed so a failure replays exactly; printed by fast-check on failure. */
export const PROPERTY_SEED = 0x5eed;
/** Runs per property: each run makes a fresh pair. */
export const PROPERTY_RUNS = 25;

type ChunkOp =
  | { readonly kind: 'write'; readonly size: number }
  | { readonly kind: 'writev'; readonly sizes: readonly number[] };

const chunkOp: fc.Arbitrary<ChunkOp> = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), size: fc.integer({ min: 0, max: 8192 }) }),
  fc.record({
    kind: fc.constant('writev' as const),
    sizes: fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 0, maxLength: 6 }),
  }),
);

async function randomChunking(ctx: FlowCaseContext, ops: readonly ChunkOp[], run: number): Promise<void> {
  await ctx.withPair(async (a, b) => {
    const deadline = Date.now() + ctx.transferTimeoutMs;
    const sent: Uint8Array[] = [];
    let offset = 0;
    const take = (n: number): Uint8Array => {
      const p = pattern(n, run, offset);
      offset += n;
      sent.push(p);
      return p;
    };
    const writer = task(async () => {
      for (const [i, op] of ops.entries()) {
        const p =
          op.kind === 'write'
            ? startWrite(a, take(op.size), `op ${i} write`)
            : startWritev(a, op.sizes.map(take), `op ${i} writev`);
        expectOk(await withTimeout(p, remaining(deadline), `op ${i} ${op.kind}`), `op ${i} ${op.kind}`);
      }
      return { closing: startClose(a, 'dialer close()') };
    });
    const total = ops.reduce(
      (n, op) => n + (op.kind === 'write' ? op.size : op.sizes.reduce((x, y) => x + y, 0)),
      0,
    );
    const got = await readUntilEof(b, total, { what: 'acceptor', deadline });
    const { closing } = await writer;
    checkBytes(got, concat(sent), 'random chunking');
    await withTimeout(startClose(b, 'acceptor close()'), ctx.opTimeoutMs, 'acceptor close()');
    await withTimeout(closing, ctx.opTimeoutMs, 'dialer close()');
  });
}

type Side = 'a' | 'b';
type ModelOp =
  | { readonly kind: 'write'; readonly from: Side; readonly size: number }
  | { readonly kind: 'writev'; readonly from: Side; readonly sizes: readonly number[] }
  | { readonly kind: 'read'; readonly at: Side };

const side = fc.constantFrom<Side>('a', 'b');
const modelOp: fc.Arbitrary<ModelOp> = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), from: side, size: fc.integer({ min: 0, max: 2000 }) }),
  fc.record({
    kind: fc.constant('writev' as const),
    from: side,
    sizes: fc.array(fc.integer({ min: 0, max: 800 }), { maxLength: 4 }),
  }),
  fc.record({ kind: fc.constant('read' as const), at: side }),
);

/**
 * Runs a random sequence against a model of two byte queues. Writes are not
 * awaited inline (a bounded transport may hold them until the peer reads),
 * reads are issued only when the model says bytes are in flight, and every
 * byte read is checked against the model on the spot.
 */
async function modelRun(ctx: FlowCaseContext, ops: readonly ModelOp[], run: number): Promise<void> {
  await ctx.withPair(async (a, b) => {
    const deadline = Date.now() + ctx.transferTimeoutMs;
    const flows: Record<Side, Flow> = { a, b };
    // stream[x] = what side x has written; read[x] = how much of it the other side has read.
    const stream: Record<Side, Uint8Array[]> = { a: [], b: [] };
    const written: Record<Side, number> = { a: 0, b: 0 };
    const consumed: Record<Side, number> = { a: 0, b: 0 };
    const received: Record<Side, Uint8Array[]> = { a: [], b: [] };
    const writes: Promise<WriteResult>[] = [];
    const seedOf = (s: Side) => run * 2 + (s === 'a' ? 0 : 1);
    const take = (s: Side, n: number): Uint8Array => {
      const p = pattern(n, seedOf(s), written[s]);
      written[s] += n;
      stream[s].push(p);
      return p;
    };
    for (const [i, op] of ops.entries()) {
      if (op.kind === 'write')
        writes.push(startWrite(flows[op.from], take(op.from, op.size), `op ${i} write`));
      else if (op.kind === 'writev') {
        writes.push(
          startWritev(
            flows[op.from],
            op.sizes.map((n) => take(op.from, n)),
            `op ${i} writev`,
          ),
        );
      } else {
        const from: Side = op.at === 'a' ? 'b' : 'a';
        if (consumed[from] === written[from]) continue; // nothing in flight: a read would wait forever
        const r = await read(flows[op.at], `op ${i} read`, remaining(deadline));
        if (!r.ok) fail(`op ${i}: read failed: ${r.error.type}: ${r.error.message}`);
        if (r.value === EOF)
          fail(`op ${i}: read returned EOF with ${written[from] - consumed[from]} bytes in flight`);
        if (consumed[from] + r.value.length > written[from]) {
          fail(
            `op ${i}: read returned ${r.value.length} bytes, only ${written[from] - consumed[from]} were in flight`,
          );
        }
        checkBytes(
          r.value,
          pattern(r.value.length, seedOf(from), consumed[from]),
          `op ${i}: read at offset ${consumed[from]}`,
        );
        received[from].push(r.value);
        consumed[from] += r.value.length;
      }
    }
    // Drain both directions, then every write must have succeeded.
    const drain = async (s: Side) => {
      const to: Side = s === 'a' ? 'b' : 'a';
      const rest = await receiveExactly(flows[to], written[s] - consumed[s], {
        what: `drain ${s} → ${to}`,
        deadline,
      });
      checkBytes(concat([...received[s], rest]), concat(stream[s]), `stream ${s} → ${to}`);
    };
    await Promise.all([drain('a'), drain('b')]);
    for (const [i, w] of writes.entries())
      expectOk(await withTimeout(w, remaining(deadline), `write ${i}`), `write ${i}`);
    await closeBoth(ctx, a, b, 'end of sequence');
  });
}

/**
 * Runs a fast-check property and, on failure, rethrows with the broken
 * promise's message first (fast-check keeps it only as `cause`).
 */
async function checkProperty<T>(property: fc.IAsyncPropertyWithHooks<[T]>): Promise<void> {
  try {
    await fc.assert(property, { seed: PROPERTY_SEED, numRuns: PROPERTY_RUNS, endOnFailure: true });
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? `${e.cause.message}\n` : '';
    throw new ConformanceError(`${cause}${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Property-based cases (fast-check, fixed seed, no shrinking so a run stays bounded). */
export const propertiesTopic: FlowTopic = {
  id: 'properties',
  title: 'properties',
  cases: [
    {
      id: 'random-chunkings',
      name: `random write/writev chunkings: the reader sees exactly the concatenation (${PROPERTY_RUNS} runs)`,
      run: async (ctx) => {
        let run = 0;
        await checkProperty(
          fc.asyncProperty(fc.array(chunkOp, { minLength: 1, maxLength: 30 }), (ops) =>
            randomChunking(ctx, ops, run++),
          ),
        );
      },
    },
    {
      id: 'model-sequences',
      name: `random write/writev/read sequences in both directions match a model of two byte queues (${PROPERTY_RUNS} runs)`,
      run: async (ctx) => {
        let run = 0;
        await checkProperty(
          fc.asyncProperty(fc.array(modelOp, { minLength: 1, maxLength: 40 }), (ops) =>
            modelRun(ctx, ops, run++),
          ),
        );
      },
    },
  ],
};
