import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConformanceError, leakCheckSupport, planFlowCases } from '../src/core.js';
import type { FlowTopic } from '../src/index.js';
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
