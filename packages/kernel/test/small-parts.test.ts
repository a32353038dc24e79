import { describe, expect, it } from 'vitest';
import {
  abortOnSignal,
  checkByteList,
  checkBytes,
  checkFlow,
  ForwardingFlow,
  flowState,
  invalidOption,
  isAbortSignal,
  Settled,
  show,
  signalOption,
} from '../src/index.js';
import { stubFlow } from './support.js';

describe('flowState', () => {
  it('derives the flow state from the two halves', () => {
    expect(flowState('open', 'open')).toBe('open');
    expect(flowState('open', 'closing')).toBe('write-closed');
    expect(flowState('open', 'closed')).toBe('write-closed');
    expect(flowState('eof', 'open')).toBe('read-done');
    expect(flowState('failed', 'open')).toBe('read-done');
    expect(flowState('eof', 'closed')).toBe('closed');
    expect(flowState('failed', 'failed')).toBe('closed');
  });
});

describe('Settled', () => {
  it('keeps the first value; every caller sees the same promise', async () => {
    const s = new Settled<number>();
    expect(s.settled).toBe(false);
    expect(s.settle(1)).toBe(true);
    expect(s.settle(2)).toBe(false);
    expect(await s.promise).toBe(1);
  });
});

describe('ForwardingFlow', () => {
  it('forwards every Flow method to the inner flow', async () => {
    const inner = stubFlow();
    const f = new ForwardingFlow(inner);
    await f.read();
    await f.write(new Uint8Array(1));
    await f.writev([]);
    await f.closeWrite();
    await f.close();
    f.abort();
    expect(inner.calls).toEqual(['read', 'write', 'writev', 'closeWrite', 'close', 'abort']);
  });
});

describe('argument checks', () => {
  it('checkBytes throws a TypeError naming method and argument', () => {
    expect(() => checkBytes('str', 'write', 'buffer')).toThrow(
      new TypeError('write: buffer must be a Uint8Array, got "str"'),
    );
    expect(() => checkBytes(Buffer.from('x'), 'write', 'buffer')).not.toThrow();
  });

  it('checkByteList names the first bad element', () => {
    expect(() => checkByteList([new Uint8Array(1), 'x'], 'writev', 'buffers')).toThrow(/buffers\[1\]/);
    expect(() => checkByteList('x', 'writev', 'buffers')).toThrow(TypeError);
    expect(() => checkByteList([], 'writev', 'buffers')).not.toThrow();
  });
});

describe('signals', () => {
  it('signalOption reads an own signal only, once, and throws a TypeError naming it when it is not one', () => {
    const own = new AbortController().signal;
    expect(signalOption({ signal: own }, 'read')).toBe(own);
    expect(signalOption(undefined, 'read')).toBe(undefined);
    expect(signalOption({}, 'read')).toBe(undefined);
    expect(signalOption({ signal: undefined }, 'close')).toBe(undefined);
    // Inherited, as from a polluted Object.prototype: no signal.
    expect(signalOption(Object.create({ signal: AbortSignal.abort() }), 'read')).toBe(undefined);
    let reads = 0;
    const getter = {
      get signal() {
        reads++;
        return own;
      },
    };
    expect(signalOption(getter, 'read')).toBe(own);
    expect(reads).toBe(1);
    expect(() => signalOption({ signal: 'x' as never }, 'close')).toThrow(
      new TypeError('close: options.signal must be an AbortSignal, got "x"'),
    );
  });

  it('isAbortSignal never throws and recognises signals by shape', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    expect(isAbortSignal(hostile)).toBe(false);
    expect(isAbortSignal(AbortSignal.timeout(1000))).toBe(true);
    expect(isAbortSignal({ aborted: 'no', addEventListener() {}, removeEventListener() {} })).toBe(false);
  });

  it('abortOnSignal aborts when the signal fires first, and not after the close settled', async () => {
    const reasons: unknown[] = [];
    const ac = new AbortController();
    let settle!: () => void;
    abortOnSignal(ac.signal, new Promise<void>((r) => (settle = r)), (why) => reasons.push(why));
    ac.abort('late peer');
    expect(reasons).toEqual(['late peer']);

    const ac2 = new AbortController();
    const done = Promise.resolve();
    abortOnSignal(ac2.signal, done, (why) => reasons.push(why));
    await done;
    await Promise.resolve();
    ac2.abort('too late');
    expect(reasons).toEqual(['late peer']);
    settle();
    abortOnSignal(AbortSignal.abort('already'), done, (why) => reasons.push(why));
    expect(reasons).toEqual(['late peer', 'already']);
  });
});

describe('messages', () => {
  it('show describes values without running caller code', () => {
    const trap = new Proxy(
      {},
      {
        get: () => {
          throw new Error('no');
        },
      },
    );
    expect(show(trap)).toBe('an object');
    expect(show('a\0b')).toBe('"a\\u0000b"');
    expect(show(10n)).toBe('10n');
    expect(show('x'.repeat(100)).length).toBeLessThan(70);
  });

  it('invalidOption starts the message with the option name', () => {
    expect(invalidOption('port', 'must be small', 'c')).toEqual({
      type: 'invalid-option',
      option: 'port',
      message: 'port must be small',
      cause: 'c',
    });
  });
});

describe('checkFlow', () => {
  it('accepts a flow and names what is missing otherwise', () => {
    expect(() => checkFlow(stubFlow(), 'wrapClient', 'flow')).not.toThrow();
    expect(() => checkFlow({}, 'wrapClient', 'flow')).toThrow(
      new TypeError('wrapClient: flow must be a Flow; its read is not a function'),
    );
    const { closeWrite: _, ...old } = stubFlow();
    expect(() => checkFlow(old, 'copy', 'dst')).toThrow(
      'copy: dst must be a Flow; its closeWrite is not a function',
    );
    expect(() => checkFlow(null, 'copy', 'src')).toThrow('copy: src must be a Flow; got null');
    expect(() => checkFlow(stubFlow(), 'readExactly', 'flow', ['unread'])).toThrow(
      'readExactly: flow must be a flow with unread; its unread is not a function',
    );
    const trap = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
      },
    );
    expect(() => checkFlow(trap, 'proxy', 'a')).toThrow('proxy: a must be a Flow; reading its methods threw');
  });

  it('describes a value that is not an object, even a function carrying every method', () => {
    expect(() => checkFlow(42, 'copy', 'src')).toThrow(new TypeError('copy: src must be a Flow; got 42'));
    expect(() => checkFlow(undefined, 'copy', 'src')).toThrow(
      new TypeError('copy: src must be a Flow; got undefined'),
    );
    const callable = Object.assign(() => {}, stubFlow());
    expect(() => checkFlow(callable, 'proxy', 'b')).toThrow(
      new TypeError('proxy: b must be a Flow; got a function'),
    );
  });

  it('lists every extra method the caller needs', () => {
    expect(() => checkFlow(stubFlow(), 'frame', 'flow', ['unread', 'peek'])).toThrow(
      new TypeError('frame: flow must be a flow with unread, peek; its unread is not a function'),
    );
  });
});

describe('tlsSideDoors', () => {
  it('refuses every side door by name, whatever the value', async () => {
    const { readOptions, tlsSideDoors } = await import('../src/index.js');
    for (const name of Object.keys(tlsSideDoors)) {
      for (const value of [false, true, 0, () => undefined, {}]) {
        const r = readOptions({ [name]: value }, tlsSideDoors);
        expect(r.ok, `${name}: ${String(value)}`).toBe(false);
        if (!r.ok) expect(r.error.message).toMatch(new RegExp(`^${name} is not accepted: `));
      }
    }
    expect(Object.keys(tlsSideDoors).sort()).toEqual([
      'checkServerIdentity',
      'ciphers',
      'pskCallback',
      'rejectUnauthorized',
      'secureContext',
      'secureProtocol',
    ]);
  });
});
