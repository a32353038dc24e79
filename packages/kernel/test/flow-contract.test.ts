import { EOF, type Flow, type FlowError, ok } from '@flowkit/flow-types';
import { describe, expect, it } from 'vitest';
import {
  brokenFlow,
  FLOW_BROKEN,
  guardedAbort,
  guardedClose,
  guardedCloseWrite,
  guardedRead,
  guardedWrite,
  guardedWritev,
} from '../src/index.js';
import { stubFlow } from './support.js';

// Every way a flow can break "results, not exceptions" becomes an `io`
// error with code ERR_FLOW_BROKEN naming the method and how, never a throw or
// a rejection (the vitest setup fails the file on an unhandled rejection).

const boom = new Error('boom');

/** A stub flow whose `method` is replaced by `how`. */
function breaking(method: keyof Flow, how: (...args: unknown[]) => unknown): Flow {
  return Object.assign(stubFlow(), { [method]: how });
}

/** The error of a failed result; fails the test on a success. */
function errorOf(r: { ok: boolean; error?: unknown }): FlowError {
  expect(r.ok).toBe(false);
  return r.error as FlowError;
}

const guarded = {
  read: (f: Flow) => guardedRead(f),
  write: (f: Flow) => guardedWrite(f, new Uint8Array(1)),
  writev: (f: Flow) => guardedWritev(f, [new Uint8Array(1)]),
  closeWrite: (f: Flow) => guardedCloseWrite(f),
  close: (f: Flow) => guardedClose(f),
} as const;
const methods = Object.keys(guarded) as (keyof typeof guarded)[];

const breaches = [
  [
    'throws',
    () => {
      throw boom;
    },
    'threw: Error: boom',
    boom,
  ],
  [
    'throws null',
    () => {
      throw null;
    },
    'threw: null',
    null,
  ],
  [
    'throws a string',
    () => {
      throw 'bad';
    },
    'threw: "bad"',
    'bad',
  ],
  ['rejects', () => Promise.reject(boom), 'rejected: Error: boom', boom],
  ['returns no promise', () => 7, 'returned 7, not a promise', 7],
  ['returns undefined', () => undefined, 'returned undefined, not a promise', undefined],
] as const;

describe('brokenFlow', () => {
  it('is an io error with code ERR_FLOW_BROKEN, the message and the cause', () => {
    expect(FLOW_BROKEN).toBe('ERR_FLOW_BROKEN');
    expect(brokenFlow('read() did x', boom)).toEqual({
      type: 'io',
      code: 'ERR_FLOW_BROKEN',
      message: 'the flow broke its contract: read() did x',
      cause: boom,
    });
  });
});

describe.each(methods)('guarded %s', (method) => {
  it.each(breaches)('a %s becomes a brokenFlow error naming the method', async (_, how, what, cause) => {
    const e = errorOf(await guarded[method](breaking(method, how)));
    expect(e).toEqual(brokenFlow(`${method}() ${what}`, cause));
  });

  it('a String() that throws on what was thrown is shown without running it', async () => {
    const nasty = {
      toString: () => {
        throw new Error('no');
      },
    };
    const e = errorOf(await guarded[method](breaking(method, () => Promise.reject(nasty))));
    expect(e.message).toBe(`the flow broke its contract: ${method}() rejected: an object`);
    expect(e.cause).toBe(nasty);
  });

  it('a thenable whose then throws is a rejection', async () => {
    const thenable = {
      // biome-ignore lint/suspicious/noThenProperty: a thenable whose then throws is what this test feeds in
      then: () => {
        throw boom;
      },
    };
    const e = errorOf(await guarded[method](breaking(method, () => thenable)));
    expect(e.message).toBe(`the flow broke its contract: ${method}() rejected: Error: boom`);
  });
});

describe.each(['read', 'write', 'writev', 'closeWrite'] as const)(
  'guarded %s, what it resolves',
  (method) => {
    it.each([
      ['a string', 'nonsense', 'resolved "nonsense", not a Result'],
      ['null', null, 'resolved null, not a Result'],
      ['an object without ok', { value: 1 }, 'resolved an object, not a Result'],
      ['ok as a string', { ok: 'true' }, 'resolved an object, not a Result'],
      ['a failure without error', { ok: false }, 'resolved a failure whose error is undefined'],
      ['a failure whose error is null', { ok: false, error: null }, 'resolved a failure whose error is null'],
      ['undefined', undefined, 'resolved undefined, not a Result'],
      [
        'a failure with a string error',
        { ok: false, error: 'reset' },
        'resolved a failure whose error is "reset"',
      ],
      [
        'a failure whose error has no message',
        { ok: false, error: { type: 'reset' } },
        'resolved a failure whose error has no string type and message',
      ],
      [
        'a failure whose error has no type',
        { ok: false, error: { message: 'x' } },
        'resolved a failure whose error has no string type and message',
      ],
    ])('%s is a brokenFlow error, the value kept as cause', async (_, value, what) => {
      const e = errorOf(await guarded[method](breaking(method, () => Promise.resolve(value))));
      expect(e).toEqual(brokenFlow(`${method}() ${what}`, value));
    });

    it('a getter that throws while the result is inspected is a brokenFlow error', async () => {
      const value = Object.defineProperty({}, 'ok', {
        get() {
          throw boom;
        },
      });
      const e = errorOf(await guarded[method](breaking(method, () => Promise.resolve(value))));
      expect(e).toEqual(
        brokenFlow(`${method}() resolved a value whose inspection threw: Error: boom`, value),
      );
    });

    it('a well-formed failure is passed on as it is', async () => {
      const failure = { ok: false, error: { type: 'reset', message: 'gone' } };
      expect(await guarded[method](breaking(method, () => Promise.resolve(failure)))).toBe(failure);
    });
  },
);

describe('guardedRead', () => {
  it('passes bytes, EOF and failures on as they are, with the options', async () => {
    const bytes = ok(new Uint8Array([1]));
    const seen: unknown[] = [];
    const flow = breaking('read', (o) => {
      seen.push(o);
      return Promise.resolve(bytes);
    });
    const options = { signal: new AbortController().signal };
    expect(await guardedRead(flow, options)).toBe(bytes);
    expect(seen).toEqual([options]);
    const eof = ok(EOF);
    expect(await guardedRead(breaking('read', () => Promise.resolve(eof)))).toBe(eof);
  });

  it.each([
    ['a string', 'abc', 'resolved "abc", not bytes or EOF'],
    ['an array', [1, 2], 'resolved an array, not bytes or EOF'],
    ['undefined', undefined, 'resolved undefined, not bytes or EOF'],
    ['0 bytes', new Uint8Array(0), 'resolved 0 bytes (a read returns at least one byte, or EOF)'],
  ])('ok with %s is a brokenFlow error', async (_, value, what) => {
    const result = { ok: true, value };
    const e = errorOf(await guardedRead(breaking('read', () => Promise.resolve(result))));
    expect(e).toEqual(brokenFlow(`read() ${what}`, result));
  });
});

describe('guarded writes', () => {
  it('pass the buffers on and a success as it is', async () => {
    const seen: unknown[] = [];
    const success = ok();
    const flow = Object.assign(stubFlow(), {
      write: (b: unknown) => {
        seen.push(b);
        return Promise.resolve(success);
      },
      writev: (b: unknown) => {
        seen.push(b);
        return Promise.resolve(success);
      },
    });
    const one = new Uint8Array(1);
    const list = [one];
    expect(await guardedWrite(flow, one)).toBe(success);
    expect(await guardedWritev(flow, list)).toBe(success);
    expect(seen).toEqual([one, list]);
    expect(seen[1]).toBe(list);
  });
});

describe('guardedClose', () => {
  it('resolves ok whatever close resolved, and passes its options on', async () => {
    const seen: unknown[] = [];
    const flow = breaking('close', (o) => {
      seen.push(o);
      return Promise.resolve('anything');
    });
    const options = { signal: new AbortController().signal };
    expect(await guardedClose(flow, options)).toEqual({ ok: true, value: undefined });
    expect(seen).toEqual([options]);
  });
});

describe('guardedAbort', () => {
  it('aborts with the reason and returns ok', () => {
    const seen: unknown[] = [];
    const flow = breaking('abort', (r) => void seen.push(r));
    expect(guardedAbort(flow, boom)).toEqual({ ok: true, value: undefined });
    expect(seen).toEqual([boom]);
  });

  it('an abort that throws is a brokenFlow error, not a throw', () => {
    const e = errorOf(
      guardedAbort(
        breaking('abort', () => {
          throw boom;
        }),
      ),
    );
    expect(e).toEqual(brokenFlow('abort() threw: Error: boom', boom));
  });
});
