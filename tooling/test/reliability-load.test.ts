import { describe, expect, it } from 'vitest';
import { runIdle } from '../reliability/idle.js';
import { runLoad } from '../reliability/load.js';
import { PatternBook } from '../reliability/pattern.js';
import { census, describeLeak, leakSince } from '../reliability/resources.js';
import { runUnaccepted } from '../reliability/unaccepted.js';

// The short CI version of `pnpm soak`'s load scenarios (2,000 flows up to
// 1 MiB, 10,000 idle flows there).
const FLOWS = 200;
const MAX_BYTES = 64 * 1024;

describe('the seeded pattern the load checks against', () => {
  it('matches itself across any split, and catches a flipped, dropped or swapped piece', () => {
    const book = new PatternBook(3);
    const whole = new Uint8Array(200_000);
    book.stream(42).fill(whole, 0);
    const part = new Uint8Array(70_000);
    book.stream(42).fill(part, 65_000);
    expect(part).toEqual(whole.subarray(65_000, 135_000));
    const s = book.stream(42);
    expect(s.check(whole.subarray(0, 100_000), 0)).toBe(-1);
    expect(s.check(whole.subarray(100_000), 100_000)).toBe(-1);
    const flipped = whole.slice(0, 1000);
    flipped[500] = (flipped[500]! + 1) & 0xff;
    expect(s.check(flipped, 0)).toBe(500);
    // A dropped 4 KiB piece: what follows is checked at the wrong offset.
    expect(s.check(whole.subarray(4096, 8192), 0)).toBe(0);
    // Another stream of the same book differs.
    expect(book.stream(43).check(whole.subarray(0, 64), 0)).not.toBe(-1);
  });
});

describe('load on loopback: every byte checked, nothing lost, nothing leaked', () => {
  for (const transport of ['tcp', 'unix'] as const) {
    it(`${FLOWS} concurrent ${transport} flows exchange up to ${MAX_BYTES} bytes each way, byte-exact`, async () => {
      const before = census();
      const report = await runLoad({
        transport,
        flows: FLOWS,
        maxBytes: MAX_BYTES,
        seed: 7,
        deadlineMs: 25_000,
      });
      expect(report.errors).toEqual([]);
      expect(report.errorCount).toBe(0);
      expect(report.completed).toBe(FLOWS);
      expect(report.bytesLost).toBe(0);
      // The seeded sizes give a known, non-trivial total; every byte of it was read and matched.
      expect(report.bytesExpected).toBeGreaterThan(FLOWS * MAX_BYTES * 0.5);
      expect(report.bytesChecked).toBe(report.bytesExpected);
      const leak = await leakSince(before);
      expect(describeLeak(leak)).toBe('nothing');
    });
  }

  it('2,000 idle tcp flows are accepted, held open together and closed; fds and handles return to baseline', async () => {
    const before = census();
    const report = await runIdle(2_000, 25_000);
    expect(report.errors).toEqual([]);
    expect(report.held).toBe(2_000);
    expect(report.closed).toBe(2_000);
    const leak = await leakSince(before);
    expect(describeLeak(leak)).toBe('nothing');
  });

  it('300 peers push 256 KiB and FIN at a listener nobody accepts: at most backlog held, all refused or torn down, RSS bounded', async () => {
    const before = census();
    const report = await runUnaccepted({ peers: 300, bytes: 256 * 1024, backlog: 50, deadlineMs: 25_000 });
    expect(report.errors).toEqual([]);
    expect(report.maxPending).toBeGreaterThan(0);
    expect(report.maxPending).toBeLessThanOrEqual(50);
    expect(report.peersEnded).toBe(300);
    // The soak's bound for 2,000 peers × 1 MiB; without pausing, 300 × 256 KiB alone would be 75 MiB.
    expect(report.rssGrowth).toBeLessThanOrEqual(24 * 1024 * 1024);
    const leak = await leakSince(before);
    expect(describeLeak(leak)).toBe('nothing');
  });
});
