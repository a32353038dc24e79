import { EOF, type FlowError } from '@flowkit/flow-types';
import { describe, expect, it } from 'vitest';
import {
  AcceptQueue,
  abortOnSignal,
  boolean,
  checkByteList,
  detectRuntime,
  func,
  host,
  integer,
  invalidOption,
  isAbortSignal,
  MAX_TIMER_MS,
  object,
  oneOf,
  pem,
  ReadQueue,
  readCancelled,
  readOptions,
  show,
  signal,
  signalOption,
  text,
  timeout,
} from '../src/index.js';
import { stubFlow } from './support.js';

/** A signal-shaped object that counts its listeners, to see that queues clean up after themselves. */
function countingSignal() {
  const listeners = new Set<() => void>();
  return {
    aborted: false,
    reason: undefined as unknown,
    addEventListener: (_: string, l: () => void) => listeners.add(l),
    removeEventListener: (_: string, l: () => void) => listeners.delete(l),
    get listening() {
      return listeners.size;
    },
    fire(reason: unknown) {
      this.aborted = true;
      this.reason = reason;
      for (const l of [...listeners]) l();
    },
  };
}

const message = (r: { ok: boolean; error?: { message: string } }) => (r.ok ? 'ok' : r.error!.message);

describe('option reader messages say what was expected', () => {
  it.each([
    [integer(), -1, 'x must be an integer ≥ 0, got -1'],
    [integer({ min: 1, max: 9 }), 10, 'x must be an integer 1–9, got 10'],
    [host(), '', 'x must be a non-empty host name or IP address, got ""'],
    [boolean(), 1, 'x must be true or false, got 1'],
    [text(), 1, 'x must be a string, got 1'],
    [text({ nonEmpty: true }), '', 'x must be a non-empty string, got ""'],
    [text(), 'a\0', 'x must not contain a NUL byte'],
    [oneOf(['a', 1]), 'b', 'x must be one of "a", 1, got "b"'],
    [signal(), {}, 'x must be an AbortSignal, got an object'],
    [timeout(), '5', 'x must be a number of milliseconds > 0 and ≤ 2147483647 (about 24.8 days), got "5"'],
    [func(), 1, 'x must be a function, got 1'],
    [object(), null, 'x must be an object, got null'],
    [pem(), '', 'x must be non-empty PEM text or bytes (or a non-empty array of them), got ""'],
  ] as const)('%#', (reader, value, expected) => {
    expect(message(reader(value, 'x'))).toBe(expected);
  });

  it('MAX_TIMER_MS is the largest delay timers honour', () => {
    expect(MAX_TIMER_MS).toBe(2147483647);
  });

  it('pem keeps a frozen copy of an array', () => {
    const input = ['a', 'b'];
    const r = pem()(input, 'key');
    expect(r.ok && r.value).toEqual(['a', 'b']);
    expect(r.ok && r.value).not.toBe(input);
    expect(r.ok && Object.isFrozen(r.value)).toBe(true);
  });

  it('readOptions names a non-object by its prefix without the dot, and says a throwing read threw', () => {
    expect(readOptions(5, {}, { prefix: 'a.b.' })).toMatchObject({
      ok: false,
      error: { option: 'a.b', message: 'a.b must be an object, got 5' },
    });
    expect(readOptions(5, {}, { name: 'server' })).toMatchObject({ ok: false, error: { option: 'server' } });
    const throwing = Object.defineProperty({}, 'p', {
      get() {
        throw new Error('x');
      },
    });
    expect(message(readOptions(throwing, { p: integer() }))).toBe('p could not be read: reading it threw');
  });

  it('invalidOption has no cause key without a cause', () => {
    expect('cause' in invalidOption('a', 'b')).toBe(false);
  });

  it('checkByteList says what it got', () => {
    expect(() => checkByteList('x', 'writev', 'buffers')).toThrow(
      'writev: buffers must be an array of Uint8Array, got "x"',
    );
    expect(() => checkByteList([1], 'writev', 'buffers')).toThrow(
      'writev: buffers[0] must be a Uint8Array, got 1',
    );
  });
});

describe('show covers every kind of value', () => {
  it('never throws, not even on a revoked Proxy', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(show(proxy)).toBe('an object');
  });

  it.each([
    [Symbol('s'), 'a symbol'],
    [() => 1, 'a function'],
    [null, 'null'],
    [[1], 'an array'],
    [{}, 'an object'],
    [true, 'true'],
    [undefined, 'undefined'],
    ['a'.repeat(60), JSON.stringify('a'.repeat(60))],
    ['a'.repeat(61), JSON.stringify(`${'a'.repeat(60)}…`)],
  ])('%#', (value, expected) => {
    expect(show(value)).toBe(expected);
  });
});

describe('isAbortSignal by shape', () => {
  it('needs all three members, on an object', () => {
    const add = () => {};
    expect(isAbortSignal(null)).toBe(false);
    expect(isAbortSignal(undefined)).toBe(false);
    expect(
      isAbortSignal(
        Object.assign(() => {}, { aborted: false, addEventListener: add, removeEventListener: add }),
      ),
    ).toBe(false);
    expect(isAbortSignal({ aborted: false, addEventListener: add })).toBe(false);
    expect(isAbortSignal({ aborted: false, removeEventListener: add })).toBe(false);
    expect(isAbortSignal({ addEventListener: add, removeEventListener: add })).toBe(false);
  });

  it('abortOnSignal does nothing without a signal', async () => {
    const calls: unknown[] = [];
    abortOnSignal(undefined, Promise.resolve(), (r) => calls.push(r));
    await Promise.resolve();
    expect(calls).toEqual([]);
  });
});

describe('ReadQueue edges', () => {
  const reset: FlowError = { type: 'reset', message: 'reset' };

  it('readCancelled has a fixed message and a cause only when given one', () => {
    expect(readCancelled(undefined)).toStrictEqual({
      type: 'aborted',
      message: 'read cancelled by its signal',
    });
    expect(readCancelled('why')).toEqual({
      type: 'aborted',
      message: 'read cancelled by its signal',
      cause: 'why',
    });
  });

  it('reports waiting reads and the error', async () => {
    const q = new ReadQueue();
    expect(q.waiting).toBe(0);
    expect(q.error).toBeUndefined();
    const r = q.read();
    expect(q.waiting).toBe(1);
    q.fail(reset);
    await r;
    expect(q.waiting).toBe(0);
    expect(q.error).toBe(reset);
  });

  it('push says whether it kept the chunk; an empty chunk is accepted and not queued', () => {
    const q = new ReadQueue();
    expect(q.push(new Uint8Array(0))).toBe(true);
    expect(q.queuedBytes).toBe(0);
    expect(q.push(new Uint8Array(1))).toBe(true);
    void q.read();
    expect(q.push(new Uint8Array(1))).toBe(true);
  });

  it('end and fail are no-ops once the stream ended', async () => {
    const a = new ReadQueue();
    a.fail(reset);
    a.end();
    expect(a.state).toBe('failed');
    expect(await a.read()).toEqual({ ok: false, error: reset });
    const b = new ReadQueue();
    b.end();
    b.fail(reset);
    expect(b.state).toBe('eof');
    expect(b.error).toBeUndefined();
    expect(await b.read()).toEqual({ ok: true, value: EOF });
  });

  it('cancelling a middle read leaves the others in order', async () => {
    const q = new ReadQueue();
    const ac = new AbortController();
    const first = q.read();
    const middle = q.read({ signal: ac.signal });
    const last = q.read();
    ac.abort();
    expect((await middle).ok).toBe(false);
    q.push(new Uint8Array([1]));
    q.push(new Uint8Array([2]));
    expect(await first).toEqual({ ok: true, value: new Uint8Array([1]) });
    expect(await last).toEqual({ ok: true, value: new Uint8Array([2]) });
  });

  it('removes its abort listener once a read is served or settled', async () => {
    const q = new ReadQueue();
    const s1 = countingSignal();
    const served = q.read({ signal: s1 as unknown as AbortSignal });
    expect(s1.listening).toBe(1);
    q.push(new Uint8Array([1]));
    await served;
    expect(s1.listening).toBe(0);
    const s2 = countingSignal();
    const settled = q.read({ signal: s2 as unknown as AbortSignal });
    q.end();
    await settled;
    expect(s2.listening).toBe(0);
  });
});

describe('AcceptQueue edges', () => {
  it('a limit of 1 holds one flow', () => {
    const q = new AcceptQueue({ limit: 1, label: 'L' });
    expect(q.push(stubFlow())).toBe(true);
    expect(q.push(stubFlow())).toBe(false);
    expect(() => new AcceptQueue({ limit: 1.5, label: 'L' })).toThrow(
      'AcceptQueue: limit must be an integer ≥ 1, got 1.5',
    );
  });

  it('ended turns true on close or fail', () => {
    const a = new AcceptQueue({ limit: 1, label: 'L' });
    expect(a.ended).toBe(false);
    a.close();
    expect(a.ended).toBe(true);
    const b = new AcceptQueue({ limit: 1, label: 'L' });
    b.fail({ type: 'io', message: 'x' });
    expect(b.ended).toBe(true);
    expect(b.push(stubFlow())).toBe(false);
  });

  it('close after a failure answers closed; a second close keeps it', async () => {
    const q = new AcceptQueue({ limit: 1, label: 'L' });
    q.fail({ type: 'io', message: 'x' });
    q.close();
    q.close();
    expect(await q.accept()).toMatchObject({ ok: false, error: { type: 'closed' } });
    q.fail({ type: 'io', message: 'y' });
    expect(await q.accept()).toMatchObject({ ok: false, error: { type: 'closed' } });
  });

  it('close aborts queued flows with its reason, or an error naming the listener', () => {
    const a = new AcceptQueue({ limit: 2, label: 'L1' });
    const f = stubFlow();
    const seen: unknown[] = [];
    f.abort = (why?: unknown) => void seen.push(why);
    a.push(f);
    a.close('stop');
    const b = new AcceptQueue({ limit: 2, label: 'L2' });
    const g = stubFlow();
    g.abort = (why?: unknown) => void seen.push(why);
    b.push(g);
    b.close();
    expect(seen[0]).toBe('stop');
    expect((seen[1] as Error).message).toBe('listener on L2 closed before accepting');
  });

  it('for await ends at a fatal error too', async () => {
    const q = new AcceptQueue({ limit: 2, label: 'L' });
    const f = stubFlow();
    q.push(f);
    q.fail({ type: 'io', message: 'x' });
    const got = [];
    for await (const flow of q) got.push(flow);
    expect(got).toEqual([f]);
  });
});

describe('detectRuntime and signalOption on odd but harmless inputs', () => {
  it('a process shim without versions (as browser bundlers inject) is not Node, and does not throw', () => {
    expect(detectRuntime({ process: {} })).toBe('other');
    expect(detectRuntime({ process: {}, document: {} })).toBe('browser');
  });

  it('null options are no options: no signal, no TypeError', () => {
    expect(signalOption(null as never, 'read')).toBeUndefined();
    expect(signalOption(undefined, 'read')).toBeUndefined();
  });

  it('options that are not an object are a TypeError naming options, at the call', () => {
    for (const bad of [5, 'x', true, 1n, Symbol('s'), () => undefined]) {
      expect(() => signalOption(bad as never, 'read')).toThrow(/^read: options must be an object, got /);
    }
    expect(() => signalOption(5 as never, 'close')).toThrow(
      new TypeError('close: options must be an object, got 5'),
    );
  });
});
