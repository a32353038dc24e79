// Issue 13 §3: hostile values fed to every entry point. The outcome must be a
// typed `invalid-option` naming the option, or (for the synchronous `pair`)
// an immediate TypeError naming it; never another exception, a rejection, a
// hang, or a crash later (the setup fails the file on an uncaught error or
// an unhandled rejection).
import { type AnyFlowkitError as AnyError, EOF, type Result } from '@flowkit/flow-types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { connect, listen, pair } from '../src/index.js';

const thrower = (what: string) => () => {
  throw new Error(`hostile ${what}`);
};

/** Every trap throws: reading, listing, even `typeof`-free checks like Array.isArray pass, then die. */
const throwingProxy = () =>
  new Proxy(
    {},
    {
      get: thrower('get'),
      has: thrower('has'),
      ownKeys: thrower('ownKeys'),
      getOwnPropertyDescriptor: thrower('getOwnPropertyDescriptor'),
      getPrototypeOf: thrower('getPrototypeOf'),
    },
  );

const revokedProxy = () => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
};

/** An object whose `key` getter throws (and counts its calls). */
const throwingGetter = (key: string) =>
  Object.defineProperty({}, key, { enumerable: true, get: thrower(`getter ${key}`) });

const OPTION_NAMES = [
  'capacity',
  'faults',
  'name',
  'backlog',
  'signal',
  'seed',
  'rechunk',
  'latency',
  'bandwidth',
  'resetAfter',
  'stall',
  'maxChunk',
  'ms',
  'jitterMs',
  'bytesPerSecond',
  'afterBytes',
] as const;

/**
 * What to feed, as a plain description: fast-check inspects generated values
 * (a `cloneMethod in value` check), which a revoked Proxy would not survive,
 * so the hostile objects are built only inside the property, by {@link build}.
 */
type Spec =
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'throwing-proxy' | 'revoked-proxy' }
  | { readonly kind: 'throwing-getter'; readonly key: string }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, Spec])[] };

function build(spec: Spec): unknown {
  switch (spec.kind) {
    case 'value':
      return spec.value;
    case 'throwing-proxy':
      return throwingProxy();
    case 'revoked-proxy':
      return revokedProxy();
    case 'throwing-getter':
      return throwingGetter(spec.key);
    case 'object':
      return Object.fromEntries(spec.entries.map(([k, v]) => [k, build(v)]));
  }
}

const value = (v: unknown): Spec => ({ kind: 'value', value: v });

/** One hostile value: wrong types, huge and odd numbers, NUL bytes, throwing getters, Proxies. */
const hostile: fc.Arbitrary<Spec> = fc.oneof(
  fc
    .constantFrom<unknown>(
      undefined,
      null,
      true,
      false,
      0,
      -0,
      -1,
      1.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.MAX_VALUE,
      2 ** 53,
      2 ** 31,
      -(2 ** 53),
      1e308,
      5e-324,
      '',
      '\0',
      'a\0b',
      'x'.repeat(10_000),
      '64',
      10n,
      Symbol('hostile'),
      [],
      [1, 2],
      {},
      () => {},
      new Date(0),
      new Uint8Array(4),
    )
    .map(value),
  fc.integer().map(value),
  fc.double().map(value),
  fc.string().map(value),
  fc.constantFrom(...OPTION_NAMES).map((key): Spec => ({ kind: 'throwing-getter', key })),
  fc.constantFrom<Spec>({ kind: 'throwing-proxy' }, { kind: 'revoked-proxy' }),
);

const object = (keys: readonly string[], values: fc.Arbitrary<Spec>, maxKeys: number): fc.Arbitrary<Spec> =>
  fc
    .uniqueArray(fc.tuple(fc.constantFrom(...keys), values), { maxLength: maxKeys, selector: ([k]) => k })
    .map((entries): Spec => ({ kind: 'object', entries }));

/** A hostile options object: known names (nested ones under `faults`) set to hostile values. */
const hostileOptions: fc.Arbitrary<Spec> = fc.oneof(
  hostile,
  object(['capacity', 'faults', 'name', 'backlog', 'signal'], hostile, 3),
  object(
    ['name', 'faults'],
    fc.oneof(
      fc.constant(value('hostile-sweep')),
      hostile,
      object(
        ['seed', 'rechunk', 'latency', 'bandwidth', 'resetAfter', 'stall', 'bogus'],
        fc.oneof(
          hostile,
          object(['maxChunk', 'ms', 'jitterMs', 'bytesPerSecond', 'afterBytes', 'bogus'], hostile, 2),
        ),
        3,
      ),
    ),
    2,
  ),
);

/** Option names an error may name: top-level ones, or a `faults.` path. */
const NAMED = /^(options|capacity|faults|name|backlog|signal)$|^faults\.[a-zA-Z]+(\.[a-zA-Z]+)?$/;

/** Resolves with the promise's outcome, or 'hang' after `ms`; a rejection is returned as such. */
async function settleWithin<T>(promise: Promise<T>, ms = 2_000) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = await Promise.race([
    promise.then(
      (value) => ({ kind: 'resolved' as const, value }),
      (error: unknown) => ({ kind: 'rejected' as const, error }),
    ),
    new Promise<{ kind: 'hang' }>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'hang' }), ms);
    }),
  ]);
  clearTimeout(timer);
  return outcome;
}

/** Lets a crash scheduled for later (a timer, a microtask) happen inside the case. */
const nextMacrotask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

type Outcome = string;

/** `pair(options)`: flows (closed again at once) or a TypeError naming the option. */
function tryPair(options: unknown): Outcome {
  try {
    const [a, b] = pair(options as never);
    a.abort();
    b.abort();
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    const option = /^(\S+) /.exec((error as TypeError).message)?.[1] ?? '';
    expect(option, (error as TypeError).message).toMatch(NAMED);
    return `TypeError ${option}`;
  }
}

type EntryResult<T> = Result<T, AnyError>;

/**
 * Calls an entry point that promises results: it must not throw, and its
 * promise must resolve in time with ok (released again), invalid-option
 * naming the option, or one of `others`.
 */
async function tryEntry<T>(
  what: string,
  call: () => Promise<EntryResult<T>>,
  release: (value: T) => unknown,
  others: readonly string[],
) {
  let promise: Promise<EntryResult<T>>;
  try {
    promise = call();
  } catch (error) {
    throw new Error(`${what} threw instead of returning a result: ${String(error)}`);
  }
  const outcome = await settleWithin(promise);
  expect(outcome.kind, `${what} must resolve, in time`).toBe('resolved');
  const r = (outcome as { value: EntryResult<T> }).value;
  if (r.ok) {
    await release(r.value);
    return 'ok';
  }
  if (r.error.type === 'invalid-option') {
    expect(r.error.option).toMatch(NAMED);
    return `invalid-option ${r.error.option}`;
  }
  expect(others).toContain(r.error.type);
  return r.error.type;
}

const tryListen = (options: unknown) =>
  tryEntry(
    'listen',
    () => listen(options as never),
    (l) => l.close(),
    ['in-use'],
  );
const tryConnect = (options: unknown) =>
  tryEntry(
    'connect',
    () => connect(options as never),
    (flow) => flow.abort(),
    ['refused', 'aborted'],
  );

const RUNS = 300;

describe('hostile options (property)', () => {
  it(`pair, listen and connect: a typed result or an immediate TypeError naming the option, never anything else (${RUNS} runs)`, async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(hostileOptions, async (spec) => {
        runs++;
        tryPair(build(spec));
        await tryListen(build(spec));
        await tryConnect(build(spec));
        await nextMacrotask();
      }),
      { seed: 20_261_202, numRuns: RUNS, interruptAfterTimeLimit: 60_000, markInterruptAsFailure: true },
    );
    expect(runs).toBeGreaterThanOrEqual(RUNS);
  }, 90_000);

  it('the sweep reaches both outcomes and names options deep in faults', () => {
    expect(tryPair({ capacity: revokedProxy() })).toBe('TypeError capacity');
    expect(tryPair(throwingProxy())).toBe('TypeError capacity');
    expect(tryPair({ faults: { latency: { ms: 1e308 } } })).toBe('TypeError faults.latency.ms');
    expect(tryPair({ faults: { rechunk: throwingGetter('maxChunk') } })).toBe(
      'TypeError faults.rechunk.maxChunk',
    );
    expect(tryPair({ faults: { stall: { afterBytes: 2 ** 53 } } })).toBe('TypeError faults.stall.afterBytes');
    expect(tryPair({ capacity: 2 ** 20 })).toBe('ok');
  });
});

/** What a few probe calls give, to compare with and without a polluted prototype. */
async function probe(): Promise<string[]> {
  const seen: string[] = [];
  seen.push(tryPair(undefined), tryPair({}), tryPair({ faults: {} }), tryPair({ faults: { rechunk: {} } }));
  // A transfer over a pair without and with faults: a polluted `stall`,
  // `resetAfter`, `latency` or `capacity` must not reach it.
  for (const options of [{}, { faults: { seed: 1 } }]) {
    const [a, b] = pair(options);
    const data = new Uint8Array(2048).fill(7);
    const transfer = (async () => {
      const written = await a.write(data);
      await a.closeWrite();
      const got = await b.read();
      const end = await b.read();
      return `transfer ${written.ok} ${got.ok && got.value !== EOF ? got.value.length : 'none'} ${end.ok && end.value === EOF}`;
    })();
    const outcome = await settleWithin(transfer, 1_000);
    seen.push(outcome.kind === 'resolved' ? outcome.value : `transfer ${outcome.kind}`);
    a.abort();
    b.abort();
  }
  {
    // read's and close's options are read as own properties too: a polluted
    // `signal` must neither cancel the read nor cut the close short.
    const [a, b] = pair();
    await a.write(new Uint8Array([1]));
    const r = await settleWithin(b.read({}), 1_000);
    const closing = await settleWithin(a.close({}), 50);
    seen.push(
      `read({}) ${r.kind === 'resolved' && r.value.ok}, close({}) before the remote: ${closing.kind}`,
    );
    a.abort();
    b.abort();
  }
  const name = `hostile-probe-${Math.random()}`;
  seen.push(await tryListen({}), await tryConnect({}), await tryConnect({ name }));
  const l = await listen({ name });
  seen.push(l.ok ? 'listening' : l.error.type);
  seen.push(await tryConnect({ name }));
  if (l.ok) await l.value.close();
  return seen;
}

describe('a polluted Object.prototype changes nothing', () => {
  const values: readonly [string, unknown][] = [
    ['0', 0],
    ['1', 1],
    ['-1', -1],
    ['true', true],
    ['"x"', 'x'],
    ['{ maxChunk: 1 }', { maxChunk: 1 }],
    ['an aborted signal', AbortSignal.abort()],
    ['a throwing Proxy', throwingProxy()],
  ];

  it.each(OPTION_NAMES)('Object.prototype.%s set to hostile values, one at a time', async (key) => {
    const baseline = await probe();
    expect(baseline).toContain('transfer true 2048 true');
    for (const [label, value] of values) {
      let polluted: string[] | undefined;
      Object.defineProperty(Object.prototype, key, { value, configurable: true, writable: true });
      try {
        polluted = await probe();
      } finally {
        delete (Object.prototype as Record<string, unknown>)[key];
      }
      expect(polluted, `Object.prototype.${key} = ${label}`).toEqual(baseline);
    }
  });
});
