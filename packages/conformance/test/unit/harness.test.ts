import type { Flow } from '@flowkit/flow-types';
import { describe, expect, it } from 'vitest';
import { CallTrace, startTracing, stopTracing } from '../../src/runner/trace.js';
import {
  DEFAULT_TIMEOUT_MS,
  flowCaseContext,
  missingCapabilities,
  resolveCapabilities,
} from '../../src/support/harness.js';
import { referencePair } from '../support/reference-pair.js';
import { failureOf, messageOf, scripted } from './scripted.js';

describe('resolveCapabilities', () => {
  it('defaults every capability to true, keeping each declared value', () => {
    const all = { halfClose: true, closeWaitsForRemote: true, abortSendsReset: true, backpressure: true };
    expect(resolveCapabilities(undefined)).toEqual(all);
    expect(resolveCapabilities({})).toEqual(all);
    expect(resolveCapabilities({ halfClose: false })).toEqual({ ...all, halfClose: false });
    expect(resolveCapabilities({ closeWaitsForRemote: false })).toEqual({
      ...all,
      closeWaitsForRemote: false,
    });
    expect(resolveCapabilities({ abortSendsReset: false })).toEqual({ ...all, abortSendsReset: false });
    expect(resolveCapabilities({ backpressure: false })).toEqual({ ...all, backpressure: false });
  });
});

describe('missingCapabilities', () => {
  const none = { halfClose: false, closeWaitsForRemote: false, abortSendsReset: false, backpressure: false };
  const all = { halfClose: true, closeWaitsForRemote: true, abortSendsReset: true, backpressure: true };

  it('lists what the case needs and the transport lacks, in the order the case names them', () => {
    expect(missingCapabilities({}, none)).toEqual([]);
    expect(missingCapabilities({ requires: 'halfClose' }, none)).toEqual(['halfClose']);
    expect(missingCapabilities({ requires: 'halfClose' }, all)).toEqual([]);
    expect(missingCapabilities({ requires: ['backpressure', 'halfClose'] }, none)).toEqual([
      'backpressure',
      'halfClose',
    ]);
    expect(
      missingCapabilities({ requires: ['backpressure', 'halfClose'] }, { ...none, halfClose: true }),
    ).toEqual(['backpressure']);
  });
});

/** A makePair that records the flows it made, so a test can see what the harness did to them. */
function recordingPairs() {
  const made: (readonly [Flow, Flow])[] = [];
  const aborted: string[] = [];
  const makePair = async (): Promise<readonly [Flow, Flow]> => {
    const n = made.length;
    const [a, b] = referencePair();
    const watch = (flow: Flow, label: string): Flow =>
      new Proxy(flow, {
        get(target, key) {
          if (key === 'abort')
            return (reason?: unknown) => {
              aborted.push(`${label}: ${reason instanceof Error ? reason.message : String(reason)}`);
              target.abort(reason);
            };
          const v = Reflect.get(target, key, target) as unknown;
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
    const pair = [watch(a, `a${n}`), watch(b, `b${n}`)] as const;
    made.push(pair);
    return pair;
  };
  return { made, aborted, makePair };
}

describe('flowCaseContext', () => {
  it('derives the per-operation and per-transfer bounds from the test timeout', () => {
    const makePair = async () => referencePair();
    const byDefault = flowCaseContext({ name: 'x', makePair });
    expect(DEFAULT_TIMEOUT_MS).toBe(20_000);
    expect(byDefault.opTimeoutMs).toBe(5_000);
    expect(byDefault.transferTimeoutMs).toBe(15_000);
    const short = flowCaseContext({ name: 'x', makePair, timeoutMs: 8_002 });
    expect(short.opTimeoutMs).toBe(2_000);
    expect(short.transferTimeoutMs).toBe(6_001);
    const long = flowCaseContext({ name: 'x', makePair, timeoutMs: 60_000 });
    expect(long.opTimeoutMs).toBe(5_000);
    expect(long.transferTimeoutMs).toBe(45_000);
    const tuned = flowCaseContext({ name: 'x', makePair }, { opTimeoutMs: 7, transferTimeoutMs: 9 });
    expect(tuned.opTimeoutMs).toBe(7);
    expect(tuned.transferTimeoutMs).toBe(9);
    expect(flowCaseContext({ name: 'x', makePair, capabilities: { halfClose: false } }).capabilities).toEqual(
      {
        halfClose: false,
        closeWaitsForRemote: true,
        abortSendsReset: true,
        backpressure: true,
      },
    );
  });

  it('withPair hands the body a connected pair, returns its result, then aborts both ends and runs cleanup', async () => {
    const { made, aborted, makePair } = recordingPairs();
    let cleanups = 0;
    const ctx = flowCaseContext({
      name: 'x',
      makePair,
      cleanup: async () => {
        cleanups++;
      },
    });
    const result = await ctx.withPair(async (a, b) => {
      expect(aborted).toEqual([]);
      await a.write(new Uint8Array([7]));
      const r = await b.read();
      expect(r.ok && r.value instanceof Uint8Array && [...r.value]).toEqual([7]);
      return 'done';
    });
    expect(result).toBe('done');
    expect(made.length).toBe(1);
    expect(aborted).toEqual(['a0: conformance test finished', 'b0: conformance test finished']);
    expect(cleanups).toBe(1);
  });

  it('withPairs makes the pairs one at a time and labels each in the call trace', async () => {
    const { made, aborted, makePair } = recordingPairs();
    let making = 0;
    let overlapped = false;
    const oneAtATime = async () => {
      overlapped ||= making > 0;
      making++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      making--;
      return makePair();
    };
    const trace = new CallTrace();
    const seen: (string | undefined)[] = [];
    startTracing(trace);
    try {
      const ctx = flowCaseContext({ name: 'x', makePair: oneAtATime });
      await ctx.withPairs(3, async (pairs) => {
        expect(pairs.length).toBe(3);
        await pairs[1]![0].write(new Uint8Array([1]));
        await pairs[0]![1].write(new Uint8Array([1]));
        seen.push(trace.describe());
      });
      await ctx.withPair(async (a) => {
        await a.write(new Uint8Array([1]));
        seen.push(trace.describe()?.split(', ').at(-1));
      });
    } finally {
      stopTracing();
    }
    expect(overlapped).toBe(false);
    expect(made.length).toBe(4);
    expect(aborted.length).toBe(8);
    expect(seen).toEqual(['dialer 1.write(), acceptor 0.write()', 'dialer.write()']);
  });

  it("a body's failure is rethrown after teardown, even when cleanup fails too", async () => {
    const { aborted, makePair } = recordingPairs();
    const ctx = flowCaseContext({
      name: 'x',
      makePair,
      cleanup: () => Promise.reject(new Error('cleanup broke')),
    });
    const why = new Error('case failed');
    expect(
      await failureOf(
        ctx.withPair(async () => {
          throw why;
        }),
      ),
    ).toBe(why);
    expect(aborted.length).toBe(2);
  });

  it('a failing cleanup after a passing body fails, blaming the options', async () => {
    const ctx = flowCaseContext({
      name: 'x',
      makePair: async () => referencePair(),
      cleanup: () => Promise.reject(new Error('cleanup broke')),
    });
    expect(await messageOf(ctx.withPair(async () => undefined))).toBe(
      "cleanup() rejected: an error in the conformance options' own code, not a broken Flow promise: Error: cleanup broke",
    );
  });

  it('a makePair that throws, or hangs past the op bound, fails with a message naming makePair()', async () => {
    const throwing = flowCaseContext({
      name: 'x',
      makePair: () => {
        throw new Error('no pair');
      },
    });
    expect(await messageOf(throwing.withPair(async () => undefined))).toBe(
      "makePair() threw: an error in the conformance options' own code, not a broken Flow promise: Error: no pair",
    );
    const hanging = flowCaseContext(
      { name: 'x', makePair: () => new Promise(() => {}) },
      { opTimeoutMs: 20 },
    );
    expect(await messageOf(hanging.withPair(async () => undefined))).toBe(
      'makePair(): no result within 20 ms',
    );
  });

  it('a cleanup that hangs is bounded by the op timeout', async () => {
    const ctx = flowCaseContext(
      { name: 'x', makePair: async () => referencePair(), cleanup: () => new Promise(() => {}) },
      { opTimeoutMs: 20 },
    );
    expect(await messageOf(ctx.withPair(async () => undefined))).toBe('cleanup(): no result within 20 ms');
  });

  it('teardown goes on past an abort that throws', async () => {
    let cleaned = false;
    const throwsOnAbort = scripted({
      abort: () => {
        throw new Error('abort threw');
      },
    });
    const [, b] = referencePair();
    const ends: Flow[] = [];
    const ctx = flowCaseContext({
      name: 'x',
      makePair: async () => [throwsOnAbort, b] as const,
      cleanup: async () => {
        cleaned = true;
      },
    });
    await ctx.withPair(async (x, y) => {
      ends.push(x, y);
    });
    expect(throwsOnAbort.calls).toEqual(['abort']);
    expect(cleaned).toBe(true);
    // The second end was aborted although the first one's abort threw.
    await expect(b.read()).resolves.toMatchObject({ ok: false });
  });
});
