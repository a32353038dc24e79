import { createServer } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { ConformanceError, leakCheckSupport, planFlowCases } from '../src/core.js';
import type { FlowTopic } from '../src/index.js';
import { probeLeakCheckSupport } from '../src/runner/leaks.js';
import { runCase } from '../src/runner/plan.js';
import { referencePair } from './support/reference-pair.js';

function failureOf(p: Promise<void>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e: unknown) => e,
  );
}

const quick = { caseTimeoutMs: 5_000, leakCheck: false };

describe('per-case hygiene', () => {
  it('an unhandled rejection during a case fails that case and names the flow calls before it', async () => {
    const topic: FlowTopic = {
      id: 't',
      title: 't',
      cases: [
        {
          id: 'leaks',
          name: 'leaks',
          run: (ctx) =>
            ctx.withPair(async (a) => {
              await a.write(new Uint8Array([1]));
              a.abort();
              void Promise.reject(new Error('internal promise nobody awaited'));
            }),
        },
      ],
    };
    const [c] = planFlowCases({ name: 'x', makePair: async () => referencePair() }, [topic]);
    const failure = await failureOf(c!.run());
    expect(failure).toBeInstanceOf(ConformanceError);
    expect((failure as Error).message).toMatch(
      /^unhandled rejection during the case \(the last flow calls before it: dialer\.write\(\), dialer\.abort\(\)/,
    );
    expect((failure as Error).message).toMatch(/internal promise nobody awaited/);
  });

  it('an uncaught exception during a case fails that case', async () => {
    const failure = await failureOf(
      runCase(async () => {
        setTimeout(() => {
          throw new Error('thrown from a timer');
        }, 0);
      }, quick),
    );
    expect((failure as Error).message).toMatch(
      /^uncaught exception during the case: Error: thrown from a timer/,
    );
  });

  it('the case’s own failure is reported before a stray rejection', async () => {
    const failure = await failureOf(
      runCase(async () => {
        void Promise.reject(new Error('stray'));
        throw new ConformanceError('the real failure');
      }, quick),
    );
    expect((failure as Error).message).toBe('the real failure');
  });

  it('a clean case passes, and the runner’s own listeners are back afterwards', async () => {
    const before = process.listeners('unhandledRejection').length;
    await runCase(async () => {}, quick);
    expect(process.listeners('unhandledRejection').length).toBe(before);
  });

  it('a case that hangs fails at its timeout', async () => {
    const failure = await failureOf(
      runCase(() => new Promise<void>(() => {}), { caseTimeoutMs: 100, leakCheck: false }),
    );
    expect((failure as Error).message).toMatch(/its timeout of 100 ms\): no result within 100 ms/);
  });
});

describe('the leak check', () => {
  it('is available on Node', () => {
    expect(leakCheckSupport()).toEqual({ available: true });
  });

  // Bun 1.4 has process.getActiveResourcesInfo() but it returns [] whatever is
  // open: a check built on it would pass every leak.
  const bunLike = (): string[] => [];
  const blind = /does not report open handles here \(a running timer was not listed\)/;

  it('declares itself unavailable, with the reason, where getActiveResourcesInfo() lists nothing (Bun)', () => {
    expect(probeLeakCheckSupport(bunLike)).toEqual({
      available: false,
      reason: expect.stringMatching(blind),
    });
    expect(probeLeakCheckSupport(undefined)).toEqual({
      available: false,
      reason: 'this runtime has no process.getActiveResourcesInfo()',
    });
    expect(probeLeakCheckSupport(() => process.getActiveResourcesInfo())).toEqual({ available: true });
  });

  it('a run asking for it under a Bun-like process reports it unavailable and shows the skipped entry', async () => {
    const spy = vi.spyOn(process, 'getActiveResourcesInfo').mockImplementation(bunLike);
    try {
      vi.resetModules();
      const fresh = await import('../src/core.js');
      const report = await fresh.runConformance({
        flow: { name: 'reference', makePair: async () => referencePair(), leakCheck: true },
        filter: (c) => c.id === 'close/close-idempotent',
      });
      expect(report.cases.map((c) => c.status)).toEqual(['passed']);
      expect(report.leakCheck).toEqual({ unavailable: expect.stringMatching(blind) });
      expect(fresh.leakCheckNotice(true)).toMatch(/^leak check \(skipped: unavailable, process\.getActive/);
    } finally {
      spy.mockRestore();
      vi.resetModules();
    }
  });

  it('fails a case that leaves a timer running, naming it', async () => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const failure = await failureOf(
        runCase(
          async () => {
            timer = setTimeout(() => {}, 60_000);
          },
          { caseTimeoutMs: 5_000, leakCheck: true },
        ),
      );
      expect((failure as Error).message).toMatch(/^leaked after the case .*: setTimeout\(60000 ms\)$/);
    } finally {
      clearTimeout(timer);
    }
  }, 10_000);

  it('fails a case that leaves a server listening, naming the handle kind', async () => {
    const server = createServer();
    try {
      const failure = await failureOf(
        runCase(
          async () => {
            await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
          },
          { caseTimeoutMs: 5_000, leakCheck: true },
        ),
      );
      expect((failure as Error).message).toMatch(/^leaked after the case .*: 1 × TCPServerWrap$/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 10_000);

  it('passes a case that released what it opened', async () => {
    await runCase(
      async () => {
        const t = setTimeout(() => {}, 60_000);
        clearTimeout(t);
        await new Promise((resolve) => setTimeout(resolve, 5));
        const server = createServer();
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        await new Promise((resolve) => server.close(resolve));
      },
      { caseTimeoutMs: 5_000, leakCheck: true },
    );
  });
});
