import { EOF, type Flow } from '@flowkit/flow-types';
import { type MemoryFlow, pair } from '@flowkit/memory';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buffered,
  chunks,
  copy,
  FlowkitError,
  proxy,
  readAll,
  readExactly,
  toWebStreams,
} from '../src/index.js';
import { settlesWithin } from './support/bytes.js';
import { collect } from './support/collect.js';

/**
 * The hostile sweep (issue 13 §3): every combinator, fed wrong types,
 * throwing getters, Proxies, huge numbers, NUL bytes and signal look-alikes,
 * ends in one of two ways: a typed result (an `invalid-option` names the
 * option), or a `TypeError` naming the argument, thrown at the call. Never a
 * rejection, a hang or a later crash (the vitest setup fails the file on an
 * unhandled rejection or a leaked timer).
 */

const opened: MemoryFlow[] = [];
afterEach(() => {
  for (const f of opened.splice(0)) f.abort();
});

/** A flow whose remote has already closed: every combinator finishes on it at once. */
function endedFlow(): MemoryFlow {
  const [peer, flow] = pair();
  void peer.closeWrite();
  opened.push(peer, flow);
  return flow;
}

const proxyThrowing = new Proxy(
  {},
  {
    get() {
      throw new Error('trap: get');
    },
    getOwnPropertyDescriptor() {
      throw new Error('trap: getOwnPropertyDescriptor');
    },
    ownKeys() {
      throw new Error('trap: ownKeys');
    },
    has() {
      throw new Error('trap: has');
    },
  },
);

const signalLike = (aborted: boolean, throwing = false) => ({
  aborted,
  reason: aborted ? new Error('look-alike fired') : undefined,
  addEventListener() {
    if (throwing) throw new Error('addEventListener refuses');
  },
  removeEventListener() {},
});

/**
 * Values no option of a combinator should crash on. fast-check itself
 * inspects the values it generates (to clone and print them), and a Proxy
 * whose every trap throws breaks that, so the property gets a recipe (plain
 * data, or the name of a special value) and makes the value in its body.
 */
type Recipe = { readonly plain: unknown } | { readonly special: string };

const SPECIAL: Record<string, () => unknown> = {
  'huge 2^53': () => 2 ** 53,
  'minus 2^53': () => -(2 ** 53),
  '1e308': () => 1e308,
  Infinity: () => Number.POSITIVE_INFINITY,
  '-Infinity': () => Number.NEGATIVE_INFINITY,
  NaN: () => Number.NaN,
  '-0': () => -0,
  '0.5': () => 0.5,
  '-1': () => -1,
  'NUL inside': () => 'a\0b',
  NUL: () => '\0',
  symbol: () => Symbol('s'),
  bigint: () => 2n ** 64n,
  function: () => () => {},
  'Proxy, every trap throws': () => proxyThrowing,
  'null-prototype object': () => Object.create(null),
  'a live AbortSignal': () => new AbortController().signal,
  'an aborted AbortSignal': () => AbortSignal.abort(new Error('already')),
  'a signal look-alike': () => signalLike(false),
  'an aborted signal look-alike': () => signalLike(true),
  'a signal look-alike whose addEventListener throws': () => signalLike(false, true),
};

const hostile: fc.Arbitrary<Recipe> = fc.oneof(
  fc
    .anything({ withBigInt: true, withMap: true, withSet: true, withTypedArray: true })
    .map((plain) => ({ plain })),
  fc.constantFrom(...Object.keys(SPECIAL)).map((special) => ({ special })),
);

function make(recipe: Recipe): unknown {
  return 'plain' in recipe ? recipe.plain : SPECIAL[recipe.special]!();
}

/** How the options object carries the hostile value. */
type Carrier = 'value' | 'getter' | 'proxy' | 'itself';

/** An options object whose one property is hostile: a value, a throwing getter, or a Proxy. */
function optionsWith(name: string, carrier: Carrier, recipe: Recipe): unknown {
  switch (carrier) {
    case 'value':
      return { [name]: make(recipe) };
    case 'getter':
      return Object.defineProperty({}, name, {
        enumerable: true,
        get() {
          throw new Error(`getter for ${name} throws`);
        },
      });
    case 'proxy':
      return new Proxy(
        { [name]: 1 },
        {
          getOwnPropertyDescriptor() {
            throw new Error('descriptor trap throws');
          },
        },
      );
    case 'itself':
      return make(recipe); // the options value itself
  }
}

const carriers = fc.constantFrom<Carrier>('value', 'value', 'getter', 'proxy', 'itself');

type Outcome =
  | { readonly kind: 'threw'; readonly error: unknown }
  | { readonly kind: 'settled'; readonly value: unknown }
  | { readonly kind: 'rejected'; readonly error: unknown }
  | { readonly kind: 'hung' };

/** Runs `call` and says how it ended; a promise gets `ms` to settle. */
async function outcome(call: () => unknown, ms = 2_000): Promise<Outcome> {
  let returned: unknown;
  try {
    returned = call();
  } catch (error) {
    return { kind: 'threw', error };
  }
  if (!(returned instanceof Promise)) return { kind: 'settled', value: returned };
  let settled: Outcome | undefined;
  const watched = returned.then(
    (value: unknown) => {
      settled = { kind: 'settled', value };
    },
    (error: unknown) => {
      settled = { kind: 'rejected', error };
    },
  );
  if (!(await settlesWithin(watched, ms))) return { kind: 'hung' };
  return settled!;
}

/**
 * The rule: a TypeError thrown at the call names one of the entry's options
 * (`names`) or `options`; a result that refuses an option names it; nothing
 * rejects or hangs. (A Proxy that throws on every read fails on whichever
 * option is read first, so any of the entry's names is right.)
 */
function expectTyped(o: Outcome, entry: string, names: readonly string[]): void {
  const known = [...names, 'options'];
  if (o.kind === 'threw') {
    expect(o.error).toBeInstanceOf(TypeError);
    // Thrown by the combinator itself, not by a crash inside it.
    expect((o.error as TypeError).message.startsWith(`${entry}: `), (o.error as Error).message).toBe(true);
    expect((o.error as TypeError).message).toMatch(new RegExp(`\\b(${known.join('|')})\\b`));
    return;
  }
  expect(o.kind, `${o.kind === 'rejected' ? String(o.error) : ''}`).toBe('settled');
  if (o.kind !== 'settled') return;
  const v = o.value as { ok?: unknown; error?: { type?: unknown; option?: unknown; message?: unknown } };
  if (v !== null && typeof v === 'object' && v.ok === false) {
    expect(typeof v.error?.type).toBe('string');
    expect(typeof v.error?.message).toBe('string');
    if (v.error?.type === 'invalid-option') expect(known).toContain(v.error.option);
  }
}

/** Drains an iterator; its own documented failure (an aborted signal) is a typed ending. */
async function drain(it: AsyncIterableIterator<Uint8Array>): Promise<unknown> {
  try {
    // The remote already closed: nothing to yield (bounded all the same).
    await collect(it, 0);
    return { ok: true };
  } catch (e) {
    if (e instanceof FlowkitError) return { ok: false, error: e.error };
    throw e;
  }
}

const runs = { numRuns: 60 };

describe('hostile options: a typed result naming the option, or a TypeError at the call', () => {
  const entries: [string, string[], (options: unknown) => unknown][] = [
    ['copy', ['signal', 'end'], (o) => copy(endedFlow(), endedFlow(), o as never)],
    ['proxy', ['signal'], (o) => proxy(endedFlow(), endedFlow(), o as never)],
    ['readAll', ['limit', 'signal'], (o) => readAll(endedFlow(), o as never)],
    ['readExactly', ['signal'], (o) => readExactly(buffered(endedFlow()), 0, o as never)],
    ['chunks', ['signal'], (o) => drain(chunks(endedFlow(), o as never))],
    [
      'toWebStreams',
      ['readableHighWaterMark', 'writableHighWaterMark'],
      (o) => toWebStreams(endedFlow(), o as never),
    ],
  ];
  for (const [entry, names, call] of entries) {
    for (const name of names) {
      it(`${entry}: options.${name}`, async () => {
        let count = 0;
        await fc.assert(
          fc.asyncProperty(carriers, hostile, async (carrier, recipe) => {
            count += 1;
            expectTyped(await outcome(() => call(optionsWith(name, carrier, recipe))), entry, names);
          }),
          runs,
        );
        expect(count).toBe(runs.numRuns);
      });
    }
  }

  it('readExactly: n (an argument read as an option: invalid-option "n")', async () => {
    let count = 0;
    await fc.assert(
      fc.asyncProperty(hostile, async (recipe) => {
        count += 1;
        const n = make(recipe);
        const o = await outcome(() => readExactly(buffered(endedFlow()), n as number));
        expectTyped(o, 'readExactly', ['n', 'signal']);
        // Only a non-negative safe integer is a count.
        if (!(typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)) {
          expect(o).toMatchObject({ kind: 'settled', value: { ok: false, error: { option: 'n' } } });
        }
      }),
      runs,
    );
    expect(count).toBe(runs.numRuns);
  });

  it('readAll: a huge or fractional limit is refused, naming limit', async () => {
    for (const limit of [2 ** 53, 1e308, Number.POSITIVE_INFINITY, 0.5, -1, '10', 10n]) {
      const r = await readAll(endedFlow(), { limit: limit as number });
      expect(!r.ok && r.error).toMatchObject({ type: 'invalid-option', option: 'limit' });
    }
  });
});

describe('hostile flow arguments: a TypeError naming the argument, at the call', () => {
  const notFlows: fc.Arbitrary<Recipe | 'half a flow' | 'a throwing read getter'> = fc.oneof(
    hostile,
    fc.constantFrom('half a flow' as const, 'a throwing read getter' as const),
  );
  const makeNotFlow = (r: Recipe | 'half a flow' | 'a throwing read getter'): unknown =>
    r === 'half a flow'
      ? { read() {}, write() {} }
      : r === 'a throwing read getter'
        ? Object.defineProperty({}, 'read', {
            get() {
              throw new Error('read getter throws');
            },
          })
        : make(r);
  const entries: [string, string, (bad: unknown) => unknown][] = [
    ['copy', 'src', (bad) => copy(bad as Flow, endedFlow())],
    ['copy', 'dst', (bad) => copy(endedFlow(), bad as Flow)],
    ['proxy', 'a', (bad) => proxy(bad as Flow, endedFlow())],
    ['proxy', 'b', (bad) => proxy(endedFlow(), bad as Flow)],
    ['readAll', 'flow', (bad) => readAll(bad as Flow, { limit: 1 })],
    ['readExactly', 'flow', (bad) => readExactly(bad as never, 1)],
    ['chunks', 'flow', (bad) => chunks(bad as Flow)],
    ['toWebStreams', 'flow', (bad) => toWebStreams(bad as Flow)],
    ['buffered', 'flow', (bad) => buffered(bad as Flow)],
    ['unread', 'buffer', (bad) => buffered(endedFlow()).unread(bad as Uint8Array)],
  ];
  for (const [entry, argument, call] of entries) {
    it(`${entry}: ${argument}`, async () => {
      let count = 0;
      await fc.assert(
        fc.asyncProperty(notFlows, async (recipe) => {
          count += 1;
          const bad = makeNotFlow(recipe);
          const o = await outcome(() => call(bad));
          // fc.anything makes typed arrays too: a Uint8Array is a fine buffer.
          if (argument === 'buffer' && bad instanceof Uint8Array) return;
          expect(o.kind).toBe('threw');
          if (o.kind !== 'threw') return;
          expect(o.error).toBeInstanceOf(TypeError);
          expect((o.error as Error).message).toContain(`${entry}: ${argument}`);
        }),
        runs,
      );
      expect(count).toBe(runs.numRuns);
    });
  }

  it('readExactly refuses a plain flow at run time (a JS caller): surplus bytes need unread', () => {
    expect(() => readExactly(endedFlow() as never, 1)).toThrow(
      /readExactly: flow must be a flow with unread/,
    );
  });
});

describe('Object.prototype pollution changes nothing', () => {
  function polluted<T>(key: string, value: unknown, run: () => T): T {
    const proto = Object.prototype as Record<string, unknown>;
    proto[key] = value;
    try {
      return run();
    } finally {
      delete proto[key];
    }
  }

  it('copy: a polluted end: false still half-closes; a polluted aborted signal does not stop it', async () => {
    for (const [key, value] of [
      ['end', false],
      ['signal', AbortSignal.abort()],
    ] as const) {
      const [srcPeer, src] = pair();
      const [dst, dstPeer] = pair();
      opened.push(srcPeer, src, dst, dstPeer);
      await srcPeer.write(new Uint8Array([1]));
      void srcPeer.closeWrite();
      const r = await polluted(key, value, () => copy(src, dst, {}));
      expect(r.ok && r.value.bytes, key).toBe(1);
      const got = await dstPeer.read();
      expect(got.ok && got.value !== EOF && got.value[0]).toBe(1);
      const end = await dstPeer.read();
      expect(end.ok && end.value, key).toBe(EOF);
    }
  });

  it('readAll: a polluted limit does not stand in for the missing one', async () => {
    const r = await polluted('limit', 100, () => readAll(endedFlow(), {} as never));
    expect(!r.ok && r.error).toMatchObject({ type: 'invalid-option', option: 'limit' });
  });

  it('proxy, readExactly, chunks: a polluted aborted signal aborts nothing', async () => {
    const sig = AbortSignal.abort(new Error('polluted'));
    const p = await polluted('signal', sig, () => proxy(endedFlow(), endedFlow(), {}));
    expect(p.ok).toBe(true);
    const e = await polluted('signal', sig, () => readExactly(buffered(endedFlow()), 0, {}));
    expect(e.ok).toBe(true);
    const c = await polluted('signal', sig, () => drain(chunks(endedFlow(), {})));
    expect(c).toEqual({ ok: true });
  });

  it('toWebStreams: polluted high-water marks are ignored', () => {
    const streams = polluted('readableHighWaterMark', -5, () =>
      polluted('writableHighWaterMark', 'x', () => toWebStreams(endedFlow(), {})),
    );
    expect(streams.readable).toBeInstanceOf(ReadableStream);
  });
});

describe('a signal from a polyfill or another realm works like a real one', () => {
  /** An AbortSignal look-alike that really fires: what an old abort-controller package gives. */
  function polyfillSignal(): {
    signal: AbortSignal;
    fire(reason: unknown): void;
    readonly listening: number;
  } {
    const listeners = new Set<() => void>();
    const s = {
      aborted: false,
      reason: undefined as unknown,
      addEventListener: (type: string, l: () => void) => type === 'abort' && listeners.add(l),
      removeEventListener: (type: string, l: () => void) => type === 'abort' && listeners.delete(l),
    };
    return {
      signal: s as unknown as AbortSignal,
      get listening() {
        return listeners.size;
      },
      fire(reason) {
        s.aborted = true;
        s.reason = reason;
        for (const l of listeners) l();
      },
    };
  }

  it('copy stops on it, and removes its listener when done', async () => {
    const [srcPeer, src] = pair();
    const [dst, dstPeer] = pair();
    opened.push(srcPeer, src, dst, dstPeer);
    const p = polyfillSignal();
    const copying = copy(src, dst, { signal: p.signal });
    expect(await settlesWithin(copying, 20)).toBe(false);
    p.fire(new Error('stop'));
    const r = await copying;
    expect(!r.ok && r.error).toMatchObject({ type: 'aborted', cause: new Error('stop') });

    const q = polyfillSignal();
    void srcPeer.closeWrite();
    const copying2 = copy(src, dst, { signal: q.signal });
    expect(q.listening).toBe(1);
    expect((await copying2).ok).toBe(true);
    expect(q.listening).toBe(0);
  });

  it('one whose addEventListener throws is a TypeError naming options.signal, at the call', () => {
    const broken = signalLike(false, true) as unknown as AbortSignal;
    for (const [entry, call] of [
      ['copy', () => copy(endedFlow(), endedFlow(), { signal: broken })],
      ['proxy', () => proxy(endedFlow(), endedFlow(), { signal: broken })],
      ['readAll', () => readAll(endedFlow(), { limit: 1, signal: broken })],
      ['chunks', () => chunks(endedFlow(), { signal: broken })],
    ] as const) {
      let thrown: unknown;
      try {
        call();
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(TypeError);
      expect((thrown as TypeError).message).toBe(
        `${entry}: options.signal is not a usable AbortSignal (it threw)`,
      );
      expect((thrown as TypeError).cause).toEqual(new Error('addEventListener refuses'));
    }
  });
});
