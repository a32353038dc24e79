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

/** Anything a caller might pass by mistake where a number or string belongs. */
export const junk = fc.oneof(
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
