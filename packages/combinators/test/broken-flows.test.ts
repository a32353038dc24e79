import type { Flow, FlowError } from '@flowkit/flow-types';
import type { MemoryFlow } from '@flowkit/memory';
import { describe, expect, it } from 'vitest';
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
import {
  BREACHES,
  type Breach,
  BrokenFlow,
  boom,
  brokenMessage,
  CLOSE_BREACHES,
  ReadsNonBytes,
  within,
} from './support/broken.js';
import { pairsAbortedAfterEach } from './support/pair.js';

// A flow that breaks its contract (a method that throws, rejects, returns no
// promise or resolves something that is not a Result) never makes a
// combinator reject, throw its exception or hang: it becomes the kernel's
// brokenFlow error, `io` with code ERR_FLOW_BROKEN, a message naming the
// method and how, and what was thrown or resolved as `cause`. The vitest setup
// fails this file on an unhandled rejection.

/** A memory pair, aborted after the test. */
const memory = pairsAbortedAfterEach();

/** Asserts `error` is the brokenFlow error for `method` broken by `breach`. */
function expectBroken(error: unknown, method: string, breach: Breach): void {
  const e = error as FlowError;
  expect(e.type).toBe('io');
  expect(e.code).toBe('ERR_FLOW_BROKEN');
  expect(e.message).toBe(brokenMessage(method, breach));
  expect(e.cause).toBe(breach === 'throws' || breach === 'rejects' ? boom : 'nonsense');
}

/** What `p` rejected with; fails the test if it resolved. */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  return within(
    p.then(
      (value) => {
        throw new Error(`resolved ${String(value)} instead of rejecting`);
      },
      (e: unknown) => e,
    ),
  );
}

/**
 * One breach per flow method a copy direction calls: which flow breaks it,
 * what the other side does first so the copy reaches that call, and the
 * CopyError type it must end with.
 */
const COPY_CALLS = [
  { method: 'read', on: 'src', first: async () => {}, type: 'read' },
  { method: 'write', on: 'dst', first: (peer: MemoryFlow) => peer.write(new Uint8Array([7])), type: 'write' },
  { method: 'closeWrite', on: 'dst', first: (peer: MemoryFlow) => peer.closeWrite(), type: 'close-write' },
] as const;

const copyCases = COPY_CALLS.flatMap((c) =>
  BREACHES.map((breach) => [`${c.on}.${c.method}()`, breach, c] as const),
);

describe('copy over a broken flow', () => {
  it.each(copyCases)('%s that %s: that error, naming it; both flows aborted', async (_, breach, c) => {
    const [peer, s] = memory();
    const [d] = memory();
    await c.first(peer);
    const src = new BrokenFlow(s, c.on === 'src' ? { method: c.method, breach } : {});
    const dst = new BrokenFlow(d, c.on === 'dst' ? { method: c.method, breach } : {});
    const r = await within(copy(src, dst));
    if (r.ok || r.error.type !== c.type) throw new Error(`expected ${c.type}, got ${JSON.stringify(r)}`);
    expectBroken(r.error.error, c.method, breach);
    expect(r.error.stats.bytes).toBe(0);
    expect(src.aborts).toEqual([r.error]);
    expect(dst.aborts).toEqual([r.error]);
  });

  it('the message says what copy was doing', async () => {
    const [, s] = memory();
    const [d] = memory();
    const r = await within(copy(new BrokenFlow(s, { method: 'read', breach: 'rejects' }), d));
    expect(r.ok ? 'ok' : r.error.message).toBe(`copy: reading failed: ${brokenMessage('read', 'rejects')}`);
  });

  it('a read that resolves ok with a string: a read error, not a write of the string', async () => {
    const [, s] = memory();
    const [d] = memory();
    const src = new ReadsNonBytes(s, 'abc');
    const written: unknown[] = [];
    const dst = Object.assign(new BrokenFlow(d), {
      write: (b: unknown) => {
        written.push(b);
        return d.write(b as Uint8Array);
      },
    });
    const r = await within(copy(src, dst));
    expect(r.ok ? 'ok' : r.error.type).toBe('read');
    if (!r.ok && r.error.type === 'read') {
      expect(r.error.error.message).toBe(
        'the flow broke its contract: read() resolved "abc", not bytes or EOF',
      );
    }
    expect(written).toEqual([]);
  });

  it('an ordinary read error leaves both flows alone, as before', async () => {
    const [peer, s] = memory();
    const [d] = memory();
    peer.abort(new Error('reset by peer'));
    const src = new BrokenFlow(s);
    const dst = new BrokenFlow(d);
    const r = await within(copy(src, dst));
    expect(r.ok ? 'ok' : r.error.type).toBe('read');
    expect(src.aborts).toEqual([]);
    expect(dst.aborts).toEqual([]);
  });
});

describe('proxy over a broken flow', () => {
  /** left ⇄ a [proxy] b ⇄ right, with `a` or `b` broken as asked. */
  function relay(broken: {
    a?: ConstructorParameters<typeof BrokenFlow>[1];
    b?: ConstructorParameters<typeof BrokenFlow>[1];
  }) {
    const [left, a] = memory();
    const [b, right] = memory();
    return { left, right, a: new BrokenFlow(a, broken.a), b: new BrokenFlow(b, broken.b) };
  }

  /** Each call a relay makes that can break: on which flow, what the peers do first, what proxy reports. */
  const PROXY_CALLS = [
    ...COPY_CALLS.map((c) => ({ ...c, on: c.on === 'src' ? 'a' : 'b', direction: 'aToB', closes: false })),
    { method: 'close', on: 'a', first: async () => {}, type: 'close-write', direction: 'bToA', closes: true },
    { method: 'close', on: 'b', first: async () => {}, type: 'close-write', direction: 'aToB', closes: true },
  ] as const;
  const proxyCases = PROXY_CALLS.flatMap((c) =>
    (c.method === 'close' ? CLOSE_BREACHES : BREACHES).map(
      (breach) => [`${c.on}.${c.method}()`, breach, c] as const,
    ),
  );

  it.each(proxyCases)(
    '%s that %s: the direction involved fails naming it; both flows aborted',
    async (_, breach, c) => {
      const { left, right, a, b } = relay({ [c.on]: { method: c.method, breach } });
      await c.first(left);
      if (c.closes) await Promise.all([left.closeWrite(), right.closeWrite()]);
      const r = await within(proxy(a, b));
      if (r.ok || r.error.type !== 'proxy')
        throw new Error(`expected a proxy error, got ${JSON.stringify(r)}`);
      expect(r.error.direction).toBe(c.direction);
      const e = r.error.error;
      if (e.type !== c.type) throw new Error(`expected ${c.type}, got ${e.type}`);
      expectBroken(e.error, c.method, breach);
      expect(a.aborts).toHaveLength(1);
      expect(b.aborts).toHaveLength(1);
    },
  );

  it('a close() that breaks: the message says the destination was being released', async () => {
    const { left, right, a, b } = relay({ a: { method: 'close', breach: 'throws' } });
    await Promise.all([left.closeWrite(), right.closeWrite()]);
    const r = await within(proxy(a, b));
    expect(r.ok ? 'ok' : r.error.message).toBe(
      `proxy: b → a: copy: releasing the destination failed: ${brokenMessage('close', 'throws')}`,
    );
  });

  it('after a breach, proxy does not wait on close(): a close that never settles cannot hold it', async () => {
    const { a, b } = relay({ a: { method: 'read', breach: 'rejects' } });
    const never = () => new Promise<void>(() => {});
    Object.assign(a, { close: never });
    Object.assign(b, { close: never });
    const r = await within(proxy(a, b));
    expect(r.ok || r.error.type !== 'proxy' ? 'not a proxy error' : r.error.direction).toBe('aToB');
  });

  it('an abort() that throws while proxy tears down: still the typed first error', async () => {
    const { a, b } = relay({
      a: { method: 'read', breach: 'rejects', abortThrows: true },
      b: { abortThrows: true },
    });
    const r = await within(proxy(a, b));
    if (r.ok || r.error.type !== 'proxy') throw new Error(`expected a proxy error, got ${JSON.stringify(r)}`);
    expect(r.error.direction).toBe('aToB');
    expect(a.aborts).toHaveLength(1);
    expect(b.aborts).toHaveLength(1);
  });
});

describe('readAll over a broken flow', () => {
  it.each(BREACHES)('read() that %s: resolves the brokenFlow error', async (breach) => {
    const [, f] = memory();
    const r = await within(readAll(new BrokenFlow(f, { method: 'read', breach }), { limit: 100 }));
    expect(r.ok).toBe(false);
    if (!r.ok) expectBroken(r.error, 'read', breach);
  });

  it('a read that resolves ok with a string: the first such read is an error, the limit is never ignored', async () => {
    const [, f] = memory();
    const src = new ReadsNonBytes(f, 'abc');
    const r = await within(readAll(src, { limit: 10 }));
    expect(r.ok ? 'ok' : r.error.message).toBe(
      'the flow broke its contract: read() resolved "abc", not bytes or EOF',
    );
    expect(src.reads).toBe(1);
  });

  it('a read that resolves ok with 0 bytes: an error, not a loop', async () => {
    const [, f] = memory();
    const src = new ReadsNonBytes(f, new Uint8Array(0));
    const r = await within(readAll(src, { limit: 10 }));
    expect(r.ok ? 'ok' : r.error.message).toMatch(/read\(\) resolved 0 bytes/);
    expect(src.reads).toBe(1);
  });

  it('over a BufferedFlow, the bytes read before the breach are pushed back', async () => {
    const [, f] = memory();
    const flow = buffered(new BrokenFlow(f, { method: 'read', breach: 'rejects' }));
    flow.unread(new Uint8Array([1, 2]));
    const r = await within(readAll(flow, { limit: 100 }));
    expect(r.ok).toBe(false);
    if (!r.ok) expectBroken(r.error, 'read', 'rejects');
    expect(flow.buffered).toBe(2);
  });
});

describe('readExactly over a broken flow', () => {
  it.each(BREACHES)('read() that %s: resolves the brokenFlow error', async (breach) => {
    const [, f] = memory();
    const r = await within(readExactly(buffered(new BrokenFlow(f, { method: 'read', breach })), 4));
    expect(r.ok).toBe(false);
    if (!r.ok) expectBroken(r.error, 'read', breach);
  });

  it('a read that resolves ok with a string: an error, nothing consumed', async () => {
    const [, f] = memory();
    const flow = buffered(new ReadsNonBytes(f, 'abcd'));
    const r = await within(readExactly(flow, 4));
    expect(r.ok ? 'ok' : r.error.message).toMatch(/read\(\) resolved "abcd", not bytes or EOF/);
    expect(flow.buffered).toBe(0);
  });
});

describe('chunks over a broken flow', () => {
  it.each(BREACHES)(
    'read() that %s: next() throws a FlowkitError carrying the brokenFlow error',
    async (breach) => {
      const [, f] = memory();
      const it = chunks(new BrokenFlow(f, { method: 'read', breach }));
      const e = await rejection(it.next());
      expect(e).toBeInstanceOf(FlowkitError);
      expectBroken((e as FlowkitError).error, 'read', breach);
      expect(await it.next()).toEqual({ done: true, value: undefined });
    },
  );

  it('a read that resolves ok with a string: a FlowkitError, not a string chunk', async () => {
    const [, f] = memory();
    const e = await rejection(chunks(new ReadsNonBytes(f, 'abc')).next());
    expect(e).toBeInstanceOf(FlowkitError);
    expect((e as FlowkitError).error.message).toMatch(/read\(\) resolved "abc"/);
  });
});

describe('toWebStreams over a broken flow', () => {
  it.each(BREACHES)('read() that %s: the readable errors with a FlowkitError naming it', async (breach) => {
    const [, f] = memory();
    const { readable } = toWebStreams(new BrokenFlow(f, { method: 'read', breach }), {
      readableHighWaterMark: 0,
    });
    const e = await rejection(readable.getReader().read());
    expect(e).toBeInstanceOf(FlowkitError);
    expectBroken((e as FlowkitError).error, 'read', breach);
  });

  it('a read that resolves ok with a string: the readable errors, no string chunk', async () => {
    const [, f] = memory();
    const { readable } = toWebStreams(new ReadsNonBytes(f, 'abc'), { readableHighWaterMark: 0 });
    const e = await rejection(readable.getReader().read());
    expect((e as FlowkitError).error.message).toMatch(/read\(\) resolved "abc"/);
  });

  it.each(BREACHES)('write() that %s: the write rejects with a FlowkitError naming it', async (breach) => {
    const [, f] = memory();
    const writer = toWebStreams(new BrokenFlow(f, { method: 'write', breach })).writable.getWriter();
    const e = await rejection(writer.write(new Uint8Array([1])));
    expect(e).toBeInstanceOf(FlowkitError);
    expectBroken((e as FlowkitError).error, 'write', breach);
  });

  it.each(BREACHES)('closeWrite() that %s: close() rejects with a FlowkitError naming it', async (breach) => {
    const [, f] = memory();
    const writer = toWebStreams(new BrokenFlow(f, { method: 'closeWrite', breach })).writable.getWriter();
    const e = await rejection(writer.close());
    expect(e).toBeInstanceOf(FlowkitError);
    expectBroken((e as FlowkitError).error, 'closeWrite', breach);
  });

  it('an abort() that throws: writable.abort() rejects with a FlowkitError naming it', async () => {
    const [, f] = memory();
    const flow = new BrokenFlow(f, { abortThrows: true });
    const writer = toWebStreams(flow).writable.getWriter();
    const e = await rejection(writer.abort(new Error('stop')));
    expect(e).toBeInstanceOf(FlowkitError);
    expect((e as FlowkitError).error.message).toBe('the flow broke its contract: abort() threw: Error: boom');
    expect(flow.aborts).toHaveLength(1);
  });
});

// Not a flow at all stays a programming error of the caller: a TypeError at the call.
describe('bad arguments stay TypeErrors at the call', () => {
  it.each([
    ['copy', () => copy({} as Flow, {} as Flow)],
    ['proxy', () => proxy({} as Flow, {} as Flow)],
    ['readAll', () => readAll(null as never, { limit: 1 })],
    ['chunks', () => chunks('flow' as never)],
    ['toWebStreams', () => toWebStreams(undefined as never)],
  ])('%s', (_, call) => {
    expect(call).toThrow(TypeError);
  });
});

describe('readExactly with an unread that throws (any object with unread is accepted)', () => {
  /** A BufferedFlow-like object over `f` whose `unread` throws `thrown`. */
  function refusingUnread(f: Flow, thrown: unknown): Flow & { unread(b: Uint8Array): void } {
    return Object.assign(Object.create(f) as Flow, {
      read: (o?: object) => f.read(o),
      unread: () => {
        throw thrown;
      },
    });
  }

  it('surplus bytes refused: resolves the brokenFlow error naming unread, never rejects', async () => {
    const [a, f] = memory();
    await a.write(new Uint8Array([1, 2, 3, 4, 5, 6]));
    const r = await within(readExactly(refusingUnread(f, boom) as never, 4));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.type).toBe('io');
    expect((r.error as FlowError).code).toBe('ERR_FLOW_BROKEN');
    expect(r.error.message).toBe(
      `the flow broke its contract: unread() threw ${boom.name}: ${boom.message}: bytes read from it are lost`,
    );
    expect((r.error as FlowError).cause).toBe(boom);
  });

  it('gathered bytes refused at EOF: the brokenFlow error, not eof (the bytes are gone)', async () => {
    const [a, f] = memory();
    await a.write(new Uint8Array([1, 2]));
    await a.closeWrite();
    const r = await within(readExactly(refusingUnread(f, 'nope') as never, 4));
    expect(r.ok ? 'ok' : r.error.message).toBe(
      'the flow broke its contract: unread() threw "nope": bytes read from it are lost',
    );
  });

  it('nothing gathered: eof as usual (unread is not called)', async () => {
    const [a, f] = memory();
    await a.closeWrite();
    const r = await within(readExactly(refusingUnread(f, boom) as never, 4));
    expect(r.ok ? 'ok' : r.error.type).toBe('eof');
  });
});

describe('readExactly: a broken unread wins over the error it would have resolved', () => {
  it('a read that rejects after gathered bytes: the unread error, as those bytes are lost', async () => {
    const [a, f] = memory();
    await a.write(new Uint8Array([1, 2]));
    let reads = 0;
    const flow = Object.assign(Object.create(f) as Flow, {
      read: (o?: object) => (reads++ === 0 ? f.read(o) : Promise.reject(boom)),
      unread: () => {
        throw new RangeError('full');
      },
    });
    const r = await within(readExactly(flow as never, 4));
    expect(r.ok ? 'ok' : r.error.message).toBe(
      'the flow broke its contract: unread() threw RangeError: full: bytes read from it are lost',
    );
  });

  it('an Error whose message getter throws is still described, never rethrown', async () => {
    const [a, f] = memory();
    await a.write(new Uint8Array([1, 2, 3]));
    const hostile = Object.create(Error.prototype, {
      message: {
        get() {
          throw new Error('getter');
        },
      },
    }) as Error;
    const flow = Object.assign(Object.create(f) as Flow, {
      read: (o?: object) => f.read(o),
      unread: () => {
        throw hostile;
      },
    });
    const r = await within(readExactly(flow as never, 2));
    expect(r.ok ? 'ok' : r.error.message).toBe(
      'the flow broke its contract: unread() threw an object: bytes read from it are lost',
    );
  });
});

describe('readExactly calls unread only for real surplus', () => {
  it('reads that add up to exactly n: unread is never called', async () => {
    const [a, f] = memory();
    let unreads = 0;
    const flow = Object.assign(Object.create(f) as Flow, {
      read: (o?: object) => f.read(o),
      unread: () => {
        unreads++;
        throw boom;
      },
    });
    await a.write(new Uint8Array([1, 2]));
    const first = await within(readExactly(flow as never, 2));
    expect(first.ok ? [...first.value] : first.error.message).toEqual([1, 2]);
    await a.write(new Uint8Array([3]));
    const second = readExactly(flow as never, 2);
    await a.write(new Uint8Array([4]));
    const r = await within(second);
    expect(r.ok ? [...r.value] : r.error.message).toEqual([3, 4]);
    expect(unreads).toBe(0);
  });
});
