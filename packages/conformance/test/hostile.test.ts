import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planFlowCases, planListenerCases } from '../src/core.js';
import { referencePair } from './support/reference-pair.js';

const flowOptions = { name: 'ref', makePair: async () => referencePair() };
const listenerOptions = {
  name: 'ref',
  listen: async () => ({ ok: false as const, error: { type: 'io' as const, message: 'unused' } }),
  connect: async () => ({ ok: false as const, error: { type: 'io' as const, message: 'unused' } }),
};

/** Either planning works, or it throws a TypeError that names the entry point; nothing else. */
function outcome(plan: () => unknown): 'planned' | string {
  try {
    plan();
    return 'planned';
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return (error as TypeError).message;
  }
}

const hostileValue = fc.oneof(
  fc.anything(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, -1, 'a\0b', null),
  fc.constant(
    new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
        getOwnPropertyDescriptor() {
          throw new Error('trap');
        },
      },
    ),
  ),
);

describe('conformance entry points take hostile options', () => {
  it('a bad option is a TypeError at the call naming it; never a later crash', () => {
    expect(outcome(() => planFlowCases({ ...flowOptions, timeoutMs: -1 }))).toMatch(
      /^flowConformance: timeoutMs /,
    );
    expect(
      outcome(() => planFlowCases({ ...flowOptions, capabilities: { halfClose: 'yes' as never } })),
    ).toMatch(/^flowConformance: capabilities\.halfClose /);
    expect(outcome(() => planFlowCases(null as never))).toMatch(
      /^flowConformance: options must be an object/,
    );
    expect(outcome(() => planFlowCases({ name: 'x' } as never))).toBe(
      'flowConformance: makePair is required',
    );
    expect(outcome(() => planListenerCases({ ...listenerOptions, connect: 5 as never }))).toMatch(
      /^listenerConformance: connect must be a function/,
    );
    fc.assert(
      fc.property(
        fc.constantFrom(
          'name',
          'makePair',
          'cleanup',
          'capabilities',
          'timeoutMs',
          'leakCheck',
          'maxStressFlows',
        ),
        hostileValue,
        (key, value) => {
          const result = outcome(() => planFlowCases({ ...flowOptions, [key]: value } as never));
          if (result !== 'planned') expect(result).toMatch(/^flowConformance: /);
        },
      ),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.constantFrom(
          'name',
          'listen',
          'connect',
          'connectToNothing',
          'listenAgain',
          'cleanup',
          'capabilities',
          'timeoutMs',
        ),
        hostileValue,
        (key, value) => {
          const result = outcome(() => planListenerCases({ ...listenerOptions, [key]: value } as never));
          if (result !== 'planned') expect(result).toMatch(/^listenerConformance: /);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('options on a polluted Object.prototype change nothing', () => {
    const proto = Object.prototype as Record<string, unknown>;
    const baseline = planFlowCases(flowOptions).map((c) => [c.id, c.skip ?? '', c.timeoutMs]);
    const hostile: Record<string, unknown> = {
      timeoutMs: 1,
      capabilities: { halfClose: false, backpressure: false },
      halfClose: false,
      backpressure: false,
      abortSendsReset: false,
      leakCheck: true,
      maxStressFlows: 1,
      cleanup: () => {
        throw new Error('polluted');
      },
    };
    for (const [key, value] of Object.entries(hostile)) {
      proto[key] = value;
      try {
        const planned = planFlowCases(flowOptions).map((c) => [c.id, c.skip ?? '', c.timeoutMs]);
        expect(planned, `Object.prototype.${key}`).toEqual(baseline);
      } finally {
        delete proto[key];
      }
    }
  });
});
