import type { ConnectError, Flow, ListenError, Listener, Result } from '@flowkit/flow-types';
import { describe, expect, it } from 'vitest';
import { CallTrace, startTracing, stopTracing } from '../../src/runner/trace.js';
import { listenerCaseContext } from '../../src/support/listener-harness.js';
import type { ListenerConformanceOptions } from '../../src/support/types.js';
import { referenceListenerOptions } from '../support/reference-listener.js';
import { referencePair } from '../support/reference-pair.js';
import { failureOf, messageOf, scripted } from './scripted.js';

const refused: Result<never, ConnectError> = { ok: false, error: { type: 'refused', message: 'no' } };
const inUse: Result<never, ListenError> = { ok: false, error: { type: 'in-use', message: 'taken' } };

/** A listener whose accept() returns `accepts` in turn and records close(). */
function fakeListener(accepts: Result<Flow, ListenError>[], onClose: () => Promise<void> = async () => {}) {
  const log: string[] = [];
  const listener: Listener<Flow> = {
    address: { name: 'fake' },
    accept: async () => accepts.shift() ?? { ok: false, error: { type: 'closed', message: 'closed' } },
    close: () => {
      log.push('close');
      return onClose();
    },
    [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true, value: undefined }) }),
  } as Listener<Flow>;
  return { listener, log };
}

const base = (over: Partial<ListenerConformanceOptions>): ListenerConformanceOptions => ({
  name: 'fake',
  listen: async () => inUse,
  connect: async () => refused,
  ...over,
});

describe('listenerCaseContext', () => {
  it('derives the op bound from the test timeout unless given', () => {
    expect(listenerCaseContext(base({})).opTimeoutMs).toBe(5_000);
    expect(listenerCaseContext(base({ timeoutMs: 8_003 })).opTimeoutMs).toBe(2_000);
    expect(listenerCaseContext(base({ timeoutMs: 60_000 })).opTimeoutMs).toBe(5_000);
    expect(listenerCaseContext(base({}), { opTimeoutMs: 3 }).opTimeoutMs).toBe(3);
    const options = base({});
    expect(listenerCaseContext(options).options).toBe(options);
  });

  it('listen, connect and accept work over a real listener, are labelled in the trace, and are torn down', async () => {
    const options = referenceListenerOptions();
    const ctx = listenerCaseContext(options, { opTimeoutMs: 500 });
    const trace = new CallTrace();
    let listener: Listener<Flow> | undefined;
    let dialer: Flow | undefined;
    let seen: string | undefined;
    startTracing(trace);
    try {
      const result = await ctx.withScope(async (scope) => {
        listener = await scope.listen();
        dialer = await scope.connect(listener);
        const second = await scope.connect(listener);
        const acceptor = await scope.accept(listener);
        await acceptor.write(new Uint8Array([1]));
        await second.write(new Uint8Array([2]));
        await (await scope.accept(listener)).write(new Uint8Array([3]));
        seen = trace.describe();
        return 'ok';
      });
      expect(result).toBe('ok');
    } finally {
      stopTracing();
    }
    expect(seen).toBe('acceptor 1.write(), dialer 2.write(), acceptor 2.write()');
    // Teardown closed the listener (its name is free again) and aborted the flows.
    expect((await options.connect(listener as Listener<Flow, { name: string }>)).ok).toBe(false);
    expect((await dialer!.read()).ok).toBe(false);
  });

  it('fails with the error of a listen, connect or accept that failed', async () => {
    const ctx = listenerCaseContext(base({}));
    expect(await messageOf(ctx.withScope((scope) => scope.listen()))).toBe(
      'listen() failed: {"type":"in-use","message":"taken"}',
    );
    const { listener } = fakeListener([{ ok: false, error: { type: 'io', message: 'accept broke' } }]);
    expect(await messageOf(ctx.withScope((scope) => scope.connect(listener)))).toBe(
      'connect() failed: {"type":"refused","message":"no"}',
    );
    expect(await messageOf(ctx.withScope((scope) => scope.accept(listener)))).toBe(
      'accept() failed: {"type":"io","message":"accept broke"}',
    );
  });

  it('bounds listen, connect and accept by the op timeout', async () => {
    const hang = () => new Promise<never>(() => {});
    const ctx = listenerCaseContext(base({ listen: hang, connect: hang }), { opTimeoutMs: 15 });
    const { listener } = fakeListener([]);
    const stuck = { ...listener, accept: hang } as Listener<Flow>;
    expect(await messageOf(ctx.withScope((s) => s.listen()))).toBe('listen(): no result within 15 ms');
    expect(await messageOf(ctx.withScope((s) => s.connect(listener)))).toBe(
      'connect(): no result within 15 ms',
    );
    expect(await messageOf(ctx.withScope((s) => s.accept(stuck)))).toBe('accept(): no result within 15 ms');
  });

  it('a throwing listen is a broken promise of the transport, not of the options', async () => {
    const ctx = listenerCaseContext(
      base({
        listen: () => {
          throw new Error('listen threw');
        },
      }),
    );
    expect(await messageOf(ctx.withScope((s) => s.listen()))).toBe(
      'listen() threw (flowkit methods never throw): Error: listen threw',
    );
  });

  it('track: tracked flows are aborted and tracked listeners closed, then cleanup runs', async () => {
    const order: string[] = [];
    const ctx = listenerCaseContext(
      base({
        cleanup: async () => {
          order.push('cleanup');
        },
      }),
    );
    const { listener, log } = fakeListener([], async () => {
      order.push('listener closed');
    });
    const flow = scripted({ abort: () => void order.push('flow aborted') });
    const throwing = scripted({
      abort: () => {
        throw new Error('abort threw');
      },
    });
    await ctx.withScope(async (scope) => {
      expect(scope.track(listener)).toBe(listener);
      expect(scope.track(throwing)).toBe(throwing);
      expect(scope.track(flow)).toBe(flow);
      expect(order).toEqual([]);
    });
    expect(log).toEqual(['close']);
    expect(order).toEqual(['flow aborted', 'listener closed', 'cleanup']);
  });

  it("the body's failure wins over a failing teardown; a failing teardown alone fails", async () => {
    const { listener } = fakeListener([], () => Promise.reject(new Error('close rejected')));
    const ctx = listenerCaseContext(base({}));
    const why = new Error('case failed');
    expect(
      await failureOf(
        ctx.withScope(async (scope) => {
          scope.track(listener);
          throw why;
        }),
      ),
    ).toBe(why);
    expect(
      await messageOf(
        ctx.withScope(async (scope) => {
          scope.track(listener);
        }),
      ),
    ).toBe('listener close() rejected (flowkit methods never reject): Error: close rejected');
  });

  it('a hanging listener close or cleanup is bounded, and cleanup blames the options', async () => {
    const hang = () => new Promise<never>(() => {});
    const { listener } = fakeListener([], hang);
    const ctx = listenerCaseContext(base({}), { opTimeoutMs: 15 });
    expect(await messageOf(ctx.withScope(async (s) => void s.track(listener)))).toBe(
      'listener close(): no result within 15 ms',
    );
    const hangs = listenerCaseContext(base({ cleanup: hang }), { opTimeoutMs: 15 });
    expect(await messageOf(hangs.withScope(async () => undefined))).toBe('cleanup(): no result within 15 ms');
    const rejects = listenerCaseContext(base({ cleanup: () => Promise.reject(new Error('c')) }));
    expect(await messageOf(rejects.withScope(async () => undefined))).toBe(
      "cleanup() rejected: an error in the conformance options' own code, not a broken Flow promise: Error: c",
    );
  });

  it('a flow from connect or accept is a flow, not a listener, in teardown', async () => {
    const [a, b] = referencePair();
    const { listener } = fakeListener([{ ok: true, value: b }]);
    const ctx = listenerCaseContext(base({ connect: async () => ({ ok: true, value: a }) }));
    await ctx.withScope(async (scope) => {
      await scope.connect(listener);
      await scope.accept(listener);
    });
    expect((await a.read()).ok).toBe(false);
    expect((await b.read()).ok).toBe(false);
  });

  it('a throwing connect or accept is named, and teardown aborts flows with a reason that says why', async () => {
    const ctx = listenerCaseContext(
      base({
        connect: () => {
          throw new Error('connect threw');
        },
      }),
    );
    const { listener } = fakeListener([]);
    const throwingAccept = {
      ...listener,
      accept: () => {
        throw new Error('accept threw');
      },
    } as Listener<Flow>;
    expect(await messageOf(ctx.withScope((s) => s.connect(listener)))).toBe(
      'connect() threw (flowkit methods never throw): Error: connect threw',
    );
    expect(await messageOf(ctx.withScope((s) => s.accept(throwingAccept)))).toBe(
      'accept() threw (flowkit methods never throw): Error: accept threw',
    );
    const reasons: unknown[] = [];
    await ctx.withScope(async (scope) => {
      scope.track(scripted({ abort: (reason) => void reasons.push(reason) }));
    });
    expect(reasons.map((r) => (r as Error).message)).toEqual(['conformance test finished']);
  });
});
