import fc from 'fast-check';

/** How one fuzzed call ended: a typed error, a working result, or a broken promise. */
export type Attempt =
  | { readonly kind: 'error'; readonly type: string; readonly message: string }
  | { readonly kind: 'ok' }
  | { readonly kind: 'threw'; readonly error: string }
  | { readonly kind: 'rejected'; readonly error: string }
  | { readonly kind: 'hung' };

/**
 * Runs `call` and classifies it. `onValue` sees a successful value (to use
 * and then close it). Never throws; a promise still pending after `ms` is
 * `hung`.
 */
export async function attempt<T>(
  call: () => Promise<{ ok: true; value: T } | { ok: false; error: { type: string; message: string } }>,
  onValue: (value: T) => Promise<void> | void,
  ms = 5_000,
): Promise<Attempt> {
  let p: Promise<{ ok: true; value: T } | { ok: false; error: { type: string; message: string } }>;
  try {
    p = call();
  } catch (e) {
    return { kind: 'threw', error: String(e) };
  }
  let cancel = () => {};
  const timeout = new Promise<'hung'>((resolve) => {
    const t = setTimeout(() => resolve('hung'), ms);
    cancel = () => clearTimeout(t);
  });
  try {
    const r = await Promise.race([p, timeout]);
    cancel();
    if (r === 'hung') {
      // Whatever it resolves with later is closed then.
      void p.then((late) => (late.ok ? onValue(late.value) : undefined)).catch(() => {});
      return { kind: 'hung' };
    }
    if (!r.ok) return { kind: 'error', type: r.error.type, message: r.error.message };
    await onValue(r.value);
    return { kind: 'ok' };
  } catch (e) {
    cancel();
    return { kind: 'rejected', error: String(e) };
  }
}

/**
 * An object whose traps throw on every string key: reading, `in`, own
 * descriptors, and listing keys. Symbol keys pass, so fast-check can still
 * look for its own clone and print hooks on the generated value.
 */
function trapsThrow(target: object = {}): object {
  const no = (): never => {
    throw new Error('fuzz: hostile Proxy trap');
  };
  return new Proxy(target, {
    get: (t, k, r) => (typeof k === 'symbol' ? Reflect.get(t, k, r) : no()),
    has: (t, k) => (typeof k === 'symbol' ? Reflect.has(t, k) : no()),
    getOwnPropertyDescriptor: (t, k) =>
      typeof k === 'symbol' ? Reflect.getOwnPropertyDescriptor(t, k) : no(),
    ownKeys: no,
    getPrototypeOf: no,
  });
}

/** Values that break naive formatting or inspection (`JSON.stringify`, `String()`, templates, `in`). */
export const hostileValue = fc.oneof(
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.constant(Symbol('fuzz')),
  fc.constant(Object.create(null) as object),
  fc.constant(
    Object.defineProperty({}, 'aborted', {
      get() {
        throw new Error('fuzz: throwing getter');
      },
    }),
  ),
  fc.constant(null).map(() => trapsThrow()),
  fc.constant(null).map(() => trapsThrow([])),
  fc.constant(null).map(() => trapsThrow(new Uint8Array(4))),
);

/** Anything a caller might pass by mistake where a number or string belongs. */
export const junk = fc.oneof(
  hostileValue,
  fc.constant(undefined),
  fc.constant(null),
  fc.constant(Number.NaN),
  fc.constant(Number.POSITIVE_INFINITY),
  fc.constant(-1),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.constant({}),
  fc.constant([]),
  fc.constant(() => 1),
);

/**
 * Hosts that are either loopback (`127.0.0.1`, `::1`, `localhost`) or
 * rejected before any lookup: empty, containing whitespace, or not a
 * string. No generated host is a valid name or address anywhere else, so
 * fuzzing can never send a packet (or a DNS query) off this machine.
 */
export const safeHost = fc.oneof(
  fc.constantFrom('127.0.0.1', '::1', 'localhost'),
  fc.constantFrom('', ' ', '\t', '\n'),
  fc
    .tuple(
      fc.string({ maxLength: 20 }),
      fc.constantFrom(' ', '\t', '\n', '\r', '\u00a0'),
      fc.string({ maxLength: 20 }),
    )
    .map(([a, w, b]) => `${a}${w}${b}`),
  fc.oneof(fc.integer(), fc.constant(null), fc.boolean(), fc.constant({}), fc.constant(['127.0.0.1'])),
);

/** True when `host` is one that may be dialed: loopback only. */
export function isLoopbackOrInvalid(host: unknown): boolean {
  if (typeof host !== 'string') return true;
  if (host === '127.0.0.1' || host === '::1' || host === 'localhost') return true;
  return host.trim() === '' || /\s/.test(host);
}

/** Ports: the given live and dead ones, 0, the edges, and junk. */
export function portArbitrary(live: number, dead: number): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(live, dead, 0, 65_535, 65_536, 70_000, -1, 1.5),
    fc.constant(`${live}`),
    junk,
  );
}

/** Backlogs: ordinary, zero, huge, negative, fractional and junk. */
export const backlogArbitrary = fc.oneof(
  fc.integer({ min: 0, max: 100_000 }),
  fc.constantFrom(0, 1, 2 ** 31, -1, 0.5),
  junk,
);

/** ALPN lists: good names, empty names, 256-byte names, empty lists, junk entries. */
export const alpnArbitrary = fc.oneof(
  fc.constant(undefined),
  fc.array(fc.string({ minLength: 0, maxLength: 12 }), { maxLength: 4 }),
  fc.constant(['h2', 'http/1.1']),
  fc.constant(['x'.repeat(256)]),
  fc.constant([]),
  fc.array(junk, { minLength: 1, maxLength: 3 }),
  junk,
);

/**
 * PEM inputs for cert/key/ca, built from a good `pem`: itself, truncated at a
 * random point, with a flipped base64 character, garbage with PEM armour,
 * raw garbage, its bytes, a list, and junk.
 */
export function pemArbitrary(pem: string, label: string): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constant(pem),
    fc.integer({ min: 1, max: pem.length - 1 }).map((n) => pem.slice(0, n)),
    fc.integer({ min: 40, max: pem.length - 40 }).map((i) => {
      const c = pem[i] === 'A' ? 'B' : 'A';
      return pem.slice(0, i) + c + pem.slice(i + 1);
    }),
    fc
      .uint8Array({ minLength: 0, maxLength: 300 })
      .map((b) => `-----BEGIN ${label}-----\n${Buffer.from(b).toString('base64')}\n-----END ${label}-----\n`),
    fc.string({ maxLength: 200 }),
    fc.constant(new TextEncoder().encode(pem)),
    fc.constant([pem]),
    junk,
  );
}

/** How an options object is handed over: as is, or in a shape that runs (and breaks) caller code. */
export type OptionsShape =
  | 'plain'
  | 'null-prototype'
  | 'throwing-getter'
  | 'proxy-get-throws'
  | 'proxy-all-throw';

export const optionsShapeArbitrary = fc.tuple(
  fc.constantFrom<OptionsShape>(
    'plain',
    'null-prototype',
    'throwing-getter',
    'proxy-get-throws',
    'proxy-all-throw',
  ),
  fc.nat(),
);

/**
 * Returns `options` reshaped: copied onto a `null` prototype, with one key
 * (chosen by `pick`) turned into a getter that throws, inside a Proxy whose
 * `get` throws for that key, or inside a Proxy whose every trap throws.
 * Every shape must still give a typed error or a working result.
 */
export function reshape(options: object, [shape, pick]: readonly [OptionsShape, number]): object {
  const keys = Object.keys(options);
  const key = keys.length === 0 ? 'port' : keys[pick % keys.length]!;
  const fail = (): never => {
    throw new Error(`fuzz: reading ${key} throws`);
  };
  switch (shape) {
    case 'plain':
      return options;
    case 'null-prototype':
      return Object.assign(Object.create(null) as object, options);
    case 'throwing-getter':
      return Object.defineProperty({ ...options }, key, { get: fail, enumerable: true });
    case 'proxy-get-throws':
      return new Proxy({ ...options }, { get: (t, k, r) => (k === key ? fail() : Reflect.get(t, k, r)) });
    case 'proxy-all-throw':
      return trapsThrow({ ...options });
  }
}
