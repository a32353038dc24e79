import { EOF } from '@flowkit/flow-types';
import { pair } from '@flowkit/memory';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { faultCaseArbitrary, modesOf, runFaultCase } from '../reliability/memory-faults.js';
import { killPeer } from '../reliability/peer-kill.js';
import { abortRace, closeListenerInFlight, type RaceOp } from '../reliability/races.js';
import { assertBudgeted } from '../testing/budgeted-property.js';
import { makeCertificates, type TourCertificates } from '../tour/certs.js';

let certs: TourCertificates;
beforeAll(async () => {
  certs = await makeCertificates();
});

const FLOW_ERRORS = ['reset', 'aborted', 'timeout', 'truncated', 'protocol', 'io'];

describe('a real peer process killed with SIGKILL mid-transfer', () => {
  for (const transport of ['tcp', 'unix', 'tls'] as const) {
    for (const direction of ['peer-sends', 'peer-reads'] as const) {
      it(`${transport}, ${direction}: pending reads and writes resolve with EOF or a typed error${transport === 'tls' ? ' (never a clean EOF)' : ''}`, async () => {
        const o = await killPeer(transport, direction, certs);
        expect(o.bytesBefore).toBeGreaterThanOrEqual(256 * 1024);
        expect(o.pendingReadResolved).toBe(true);
        expect(o.pendingWriteResolved).toBe(true);
        const readEnds = transport === 'tls' ? FLOW_ERRORS : ['EOF', ...FLOW_ERRORS];
        expect(readEnds).toContain(o.readEnd);
        if (direction === 'peer-reads') expect(['closed', ...FLOW_ERRORS]).toContain(o.writeEnd);
        else expect(['ok', 'closed', ...FLOW_ERRORS]).toContain(o.writeEnd);
      });
    }
  }
});

describe('a listener closed while accepts and connects are in flight', () => {
  for (const transport of ['memory', 'tcp', 'unix', 'tls'] as const) {
    it(`${transport}: every accept and connect resolves; later accepts are closed`, async () => {
      for (const seed of [1, 2, 3]) {
        const o = await closeListenerInFlight(transport, seed, 30, certs);
        expect(o.hung).toBe(0);
        expect(o.acceptOther).toEqual([]);
        expect(o.accepted + o.acceptClosed).toBe(30);
        expect(o.acceptAfterClose).toBe('closed');
        for (const type of o.connectErrors) {
          expect(['refused', 'reset', 'handshake', 'aborted', 'io', 'not-found']).toContain(type);
        }
      }
    });
  }
});

const opArb = fc.array(
  fc.tuple(
    fc.constantFrom(0 as const, 1 as const),
    fc.constantFrom<RaceOp>('read', 'read-signal', 'write', 'writev', 'close', 'close-signal', 'abort'),
  ),
  { minLength: 1, maxLength: 12 },
);

describe('abort() races close(), read() and write() (seeded interleavings)', () => {
  for (const [transport, runs] of [
    ['memory', 60],
    ['tcp', 15],
    ['unix', 15],
    ['tls', 8],
  ] as const) {
    it(`${transport}: ${runs} runs, every operation resolves with a typed value; nothing throws or rejects`, async () => {
      await assertBudgeted(
        fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), opArb, async (seed, ops) => {
          const o = await abortRace(transport, seed, ops, certs);
          expect(o.violations).toEqual([]);
          expect(o.hung).toBe(0);
        }),
        // Seen: 0.1–0.4 s per transport; the budget only catches a run that slows 20-fold.
        { numRuns: runs, seed: 20_240_601, budgetMs: 8_000 },
      );
    });
  }
});

describe('memory fault injection under seeded property runs', () => {
  it('every fault mode, alone and mixed: bytes exact, resets at the byte, stalls hold, nothing hangs', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(faultCaseArbitrary(), async (c) => {
        for (const m of modesOf(c.faults)) seen.add(m);
        const o = await runFaultCase(c);
        expect(o.problems).toEqual([]);
        expect(o.bytesLost).toBe(0);
      }),
      // No time-based interruption: a hang must fail the run (each run bounds its reads at 3 s).
      { numRuns: 120, seed: 7, endOnFailure: true },
    );
    expect([...seen].sort()).toEqual(['bandwidth', 'latency', 'rechunk', 'resetAfter', 'stall']);
  });
});

describe('memory: resetAfter with rechunk (minimal repro of a hang the property run found)', () => {
  it('after the reset budget is read, the next read resolves reset instead of waiting forever', async () => {
    // The counterexample, cut down: one end sends 1 byte and closes, the other
    // reads it and EOF; the 6-byte budget then runs out on the other direction.
    const [a, b] = pair({ faults: { resetAfter: 6, rechunk: { maxChunk: 3 } } });
    void a.write(new Uint8Array(1)).then(() => a.close());
    void b.write(new Uint8Array(10)).then(() => b.close());
    const bRead = await b.read();
    expect(bRead.ok && bRead.value !== EOF && bRead.value.length).toBe(1);
    const bEnd = await b.read();
    expect(bEnd.ok && bEnd.value === EOF).toBe(true);
    let got = 0;
    let end = 'hung';
    for (let i = 0; i < 10; i++) {
      let cancel = () => {};
      const r = await Promise.race([
        a.read(),
        new Promise<undefined>((resolve) => {
          const t = setTimeout(resolve, 1_000);
          cancel = () => clearTimeout(t);
        }),
      ]);
      cancel();
      if (r === undefined) break;
      if (!r.ok) {
        end = r.error.type;
        break;
      }
      if (r.value === EOF) {
        end = 'EOF';
        break;
      }
      got += r.value.length;
    }
    a.abort();
    b.abort();
    expect(got).toBe(5);
    expect(end).toBe('reset');
  });
});
