import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  any,
  boolean,
  func,
  host,
  integer,
  MAX_TIMER_MS,
  object,
  oneOf,
  pem,
  port,
  readOptions,
  refused,
  signal,
  text,
  timeout,
} from '../src/index.js';

const table = { port: port(), host: host(), noDelay: boolean(), signal: signal() };

function polluted<T>(key: string, value: unknown, run: () => T): T {
  const proto = Object.prototype as Record<string, unknown>;
  proto[key] = value;
  try {
    return run();
  } finally {
    delete proto[key];
  }
}

describe('readOptions', () => {
  it('reads the options present into a frozen null-prototype object', () => {
    const r = readOptions({ port: 80, host: 'localhost', other: 1 }, table);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect({ ...r.value }).toEqual({ port: 80, host: 'localhost' });
    expect(Object.getPrototypeOf(r.value)).toBe(null);
    expect(Object.isFrozen(r.value)).toBe(true);
    expect('noDelay' in r.value).toBe(false);
  });

  it('treats undefined input and undefined values as absent', () => {
    const a = readOptions(undefined, table);
    const b = readOptions({ port: undefined }, table);
    expect(a.ok && Object.keys(a.value)).toEqual([]);
    expect(b.ok && Object.keys(b.value)).toEqual([]);
  });

  it('rejects a non-object options value, naming it', () => {
    for (const bad of [null, 42, 'x', () => 1]) {
      const r = readOptions(bad, table);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.option).toBe('options');
    }
    const r = readOptions(5, table, { prefix: 'tls.' });
    expect(!r.ok && r.error.option).toBe('tls');
  });

  it('ignores every option set on Object.prototype (pollution changes nothing)', () => {
    for (const [key, value] of [
      ['port', 70000],
      ['host', ''],
      ['noDelay', 'yes'],
      ['signal', {}],
    ] as const) {
      const r = polluted(key, value, () => readOptions({}, table));
      expect(r.ok && Object.keys(r.value)).toEqual([]);
      // …and an own property still wins over the polluted one.
      const own = polluted(key, value, () => readOptions({ port: 1 }, table));
      expect(own.ok && own.value.port).toBe(1);
    }
  });

  it('names the option, with its prefix, when a reader refuses it', () => {
    const r = readOptions({ port: 70000 }, table, { prefix: 'server.' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ type: 'invalid-option', option: 'server.port' });
    expect(r.error.message).toBe('server.port must be an integer 0–65535, got 70000');
  });

  it('calls a getter exactly once and turns a throwing getter or Proxy trap into invalid-option', () => {
    let calls = 0;
    const input = {
      get port() {
        calls++;
        return 8080;
      },
    };
    const r = readOptions(input, table);
    expect(r.ok && r.value.port).toBe(8080);
    expect(calls).toBe(1);

    const throwing = readOptions(
      Object.defineProperty({}, 'host', {
        enumerable: true,
        get() {
          throw new Error('boom');
        },
      }),
      table,
    );
    expect(!throwing.ok && throwing.error).toMatchObject({ option: 'host', cause: new Error('boom') });

    const trap = new Proxy(
      {},
      {
        getOwnPropertyDescriptor() {
          throw new Error('trap');
        },
      },
    );
    const viaProxy = readOptions(trap, table);
    expect(!viaProxy.ok && viaProxy.error.option).toBe('port');
  });

  it('never throws, whatever the input (property)', () => {
    fc.assert(
      fc.property(fc.anything({ withObjectString: true, withNullPrototype: true }), (input) => {
        const r = readOptions(input, table);
        if (!r.ok) expect(r.error.type).toBe('invalid-option');
      }),
      { numRuns: 300 },
    );
  });
});

describe('option readers', () => {
  const check = <T>(reader: (v: unknown, o: string) => { ok: boolean }, good: T[], bad: unknown[]) => {
    for (const v of good) expect(reader(v, 'x').ok, `accepts ${String(v)}`).toBe(true);
    for (const v of bad) expect(reader(v, 'x').ok, `refuses ${String(v)}`).toBe(false);
  };

  it('integer and port check type, integrality and range', () => {
    check(integer({ min: 1, max: 10 }), [1, 10], [0, 11, 1.5, Number.NaN, '5', null]);
    check(port(), [0, 65535], [-1, 65536, 70000, 1.5, '80']);
    check(port({ allowZero: false }), [1], [0]);
  });

  it('host refuses empty, white space and NUL', () => {
    check(host(), ['localhost', '::1', '127.0.0.1'], ['', ' a', 'a b', 'a\0', 5]);
  });

  it('boolean, text, oneOf, func, object, any', () => {
    check(boolean(), [true, false], [0, 'false', null]);
    check(text(), ['', 'a'], [1, 'a\0b']);
    check(text({ nonEmpty: true, allowNul: true }), ['a\0'], ['']);
    check(oneOf(['a', 'b']), ['a'], ['c', 1]);
    check(func(), [() => 1], [{}, 'f']);
    check(object(), [{}, []], [null, () => 1, 'o']);
    check(any(), [1, null, {}], []);
  });

  it('signal accepts real and shape-alike signals, refuses the rest', () => {
    const polyfill = { aborted: false, addEventListener() {}, removeEventListener() {} };
    check(signal(), [new AbortController().signal, polyfill], [{}, { aborted: false }, null, () => 1]);
  });

  it('timeout is in (0, MAX_TIMER_MS]', () => {
    check(timeout(), [1, 0.5, MAX_TIMER_MS], [0, -1, MAX_TIMER_MS + 1, Number.POSITIVE_INFINITY, Number.NaN]);
  });

  it('pem refuses empty material in every form', () => {
    check(
      pem(),
      ['-----BEGIN X-----', new Uint8Array([1]), ['a', new Uint8Array([1])]],
      ['', '  ', new Uint8Array(0), [], ['a', ''], 5],
    );
  });

  it('refused rejects any value, with its reason', () => {
    const r = refused('verification is always on')(false, 'rejectUnauthorized');
    expect(!r.ok && r.error.message).toBe('rejectUnauthorized is not accepted: verification is always on');
  });
});
