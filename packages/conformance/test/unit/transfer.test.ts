import type { Flow } from '@flowkit/flow-types';
import { describe, expect, it } from 'vitest';
import { flowCaseContext } from '../../src/support/harness.js';
import { chunk, pattern } from '../../src/support/pattern.js';
import { closeBoth, echoChecked, sendExactly, sendThenClose } from '../../src/support/transfer.js';
import { referencePair } from '../support/reference-pair.js';
import { data, messageOf, okWrite, reads, scripted } from './scripted.js';

const ctx = flowCaseContext(
  { name: 'unit', makePair: async () => referencePair() },
  { opTimeoutMs: 300, transferTimeoutMs: 1_000 },
);
/** For the cases where an operation hangs on purpose: the bound is what the test waits out. */
const short = flowCaseContext(
  { name: 'unit', makePair: async () => referencePair() },
  { opTimeoutMs: 30, transferTimeoutMs: 1_000 },
);

/** Runs `body` over a fresh reference pair (capacity in bytes) and aborts both ends afterwards. */
async function overPair(capacity: number, body: (a: Flow, b: Flow) => Promise<void>): Promise<void> {
  const [a, b] = referencePair({ capacity });
  try {
    await body(a, b);
  } finally {
    a.abort();
    b.abort();
  }
}

/** `flow` with its reads passed through `change`. */
function readsChanged(flow: Flow, change: (b: Uint8Array) => Uint8Array): Flow {
  return new Proxy(flow, {
    get(target, key) {
      if (key === 'read')
        return async () => {
          const r = await target.read();
          return r.ok && r.value instanceof Uint8Array ? { ok: true, value: change(r.value) } : r;
        };
      const v = Reflect.get(target, key, target) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

describe('sendThenClose', () => {
  it('moves the chunks, then both closes resolve, through a buffer smaller than the data', async () => {
    const expected = pattern(5_000, 2);
    await overPair(512, (a, b) => sendThenClose(ctx, a, b, chunk(expected, [700, 13]), expected, 'st'));
  });

  it('fails when a byte is altered on the way', async () => {
    const expected = pattern(300, 2);
    await overPair(1_024, async (a, b) => {
      const flipped = readsChanged(b, (x) => x.map((v, i) => (i === 10 ? v ^ 1 : v)));
      expect(await messageOf(sendThenClose(ctx, a, flipped, [expected], expected, 'st'))).toMatch(
        /^st: bytes received: byte 10 differs/,
      );
    });
  });

  it('fails when more than the expected bytes arrive', async () => {
    const expected = pattern(300, 2);
    await overPair(1_024, async (a, b) => {
      expect(
        await messageOf(sendThenClose(ctx, a, b, [expected, expected.subarray(0, 1)], expected, 'st')),
      ).toBe('st (reader): more than 300 bytes arrived (data was duplicated)');
    });
  });

  it("fails when the writer's close never resolves, within the op bound", async () => {
    const expected = pattern(10, 2);
    await overPair(1_024, async (a, b) => {
      // The writer's end-of-stream reaches the reader, but its close() never resolves.
      const stuck = new Proxy(a, {
        get(target, key) {
          if (key === 'close')
            return () => {
              void target.closeWrite();
              return new Promise(() => {});
            };
          const v = Reflect.get(target, key, target) as unknown;
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
      expect(await messageOf(sendThenClose(short, stuck, b, [expected], expected, 'st'))).toBe(
        'st: writer close() after the reader closed: no result within 30 ms',
      );
    });
  });
});

describe('sendExactly', () => {
  it('moves exactly the expected bytes and leaves the pair open', async () => {
    const expected = pattern(3_000, 4);
    await overPair(256, async (a, b) => {
      await sendExactly(ctx, a, b, chunk(expected, [100]), expected, 'sx');
      // Still usable both ways.
      await sendExactly(ctx, b, a, [expected.subarray(0, 5)], expected.subarray(0, 5), 'back');
    });
  });

  it('fails on an altered byte', async () => {
    const expected = pattern(50, 4);
    await overPair(1_024, async (a, b) => {
      const flipped = readsChanged(b, (x) => x.map((v, i) => (i === 0 ? v ^ 1 : v)));
      expect(await messageOf(sendExactly(ctx, a, flipped, [expected], expected, 'sx'))).toMatch(
        /^sx: bytes received: byte 0 differs/,
      );
    });
  });

  it('names the writer side when a write fails', async () => {
    const writer = scripted({ write: async () => ({ ok: false, error: { type: 'closed', message: 'x' } }) });
    const reader = scripted({ read: () => new Promise(() => {}) });
    expect(
      await messageOf(sendExactly(ctx, writer, reader, [new Uint8Array(1)], new Uint8Array(1), 'sx')),
    ).toBe('sx (writer): write of 1 bytes after 0 failed: {"type":"closed","message":"x"}');
  });
});

describe('closeBoth', () => {
  it('resolves once both ends closed', async () => {
    await overPair(1_024, (a, b) => closeBoth(ctx, a, b, 'cb'));
  });

  it('names the end whose close hangs', async () => {
    const done = scripted({ close: async () => undefined });
    const hangs = scripted({ close: () => new Promise(() => {}) });
    expect(await messageOf(closeBoth(short, done, hangs, 'cb'))).toBe(
      'cb: acceptor close(): no result within 30 ms',
    );
    expect(await messageOf(closeBoth(short, hangs, done, 'cb'))).toBe(
      'cb: dialer close(): no result within 30 ms',
    );
  });
});

describe('echoChecked', () => {
  it('checks each chunk at its offset and writes it back', async () => {
    const echoed: number[] = [];
    const flow = scripted({
      read: reads(data(1, 2), data(3)),
      write: async (b) => {
        echoed.push(...b);
        return okWrite;
      },
    });
    await echoChecked(flow, new Uint8Array([1, 2, 3]), 'echo', Date.now() + 1_000);
    expect(echoed).toEqual([1, 2, 3]);
  });

  it('names the offsets of a chunk that differs', async () => {
    const flow = scripted({ read: reads(data(1, 2), data(9)), write: async () => okWrite });
    expect(await messageOf(echoChecked(flow, new Uint8Array([1, 2, 3]), 'echo', Date.now() + 1_000))).toBe(
      'echo: bytes 2–3: byte 0 differs (got 9, expected 3); received 1 of 1 bytes',
    );
  });

  it('fails on EOF, an error, or a failed echo write', async () => {
    const deadline = Date.now() + 1_000;
    expect(
      await messageOf(
        echoChecked(
          scripted({ read: reads(data(1)), write: async () => okWrite }),
          new Uint8Array([1, 2]),
          'e',
          deadline,
        ),
      ),
    ).toBe('e: EOF after 1 of 2 bytes');
    const reset = { ok: false as const, error: { type: 'reset' as const, message: 'r' } };
    expect(
      await messageOf(echoChecked(scripted({ read: reads(reset) }), new Uint8Array([1]), 'e', deadline)),
    ).toBe('e: read failed after 0 of 1 bytes: {"type":"reset","message":"r"}');
    const refused = scripted({
      read: reads(data(1)),
      write: async () => ({ ok: false, error: { type: 'closed', message: 'c' } }),
    });
    expect(await messageOf(echoChecked(refused, new Uint8Array([1]), 'e', deadline))).toBe(
      'e: echo failed: {"type":"closed","message":"c"}',
    );
  });

  it('bounds its reads by the deadline', async () => {
    const flow = scripted({ read: () => new Promise(() => {}) });
    expect(await messageOf(echoChecked(flow, new Uint8Array([1]), 'e', Date.now() + 20))).toMatch(
      /^e: read after 0 of 1 bytes: no result within \d+ ms$/,
    );
  });
});

/** `flow` with each write held back `ms` before it is made. */
function slowWriter(flow: Flow, ms: number): Flow {
  return new Proxy(flow, {
    get(target, key) {
      if (key === 'write')
        return async (b: Uint8Array) => {
          await new Promise((resolve) => setTimeout(resolve, ms));
          return target.write(b);
        };
      const v = Reflect.get(target, key, target) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

describe('the transfer deadline and the messages that name each side', () => {
  it('sendThenClose and sendExactly wait for data that comes late but within the transfer bound', async () => {
    const expected = pattern(30, 6);
    await overPair(1_024, (a, b) =>
      sendThenClose(ctx, slowWriter(a, 40), b, chunk(expected, [10]), expected, 'st'),
    );
    await overPair(1_024, (a, b) =>
      sendExactly(ctx, slowWriter(a, 40), b, chunk(expected, [10]), expected, 'sx'),
    );
  });

  it("sendThenClose names the writer's failed write, the writer's rejected close and the reader's hanging close", async () => {
    const refused = scripted({ write: async () => ({ ok: false, error: { type: 'closed', message: 'x' } }) });
    const idle = scripted({ read: () => new Promise(() => {}), abort: () => {} });
    expect(
      await messageOf(sendThenClose(short, refused, idle, [new Uint8Array(1)], new Uint8Array(1), 'st')),
    ).toBe('st (writer): write of 1 bytes after 0 failed: {"type":"closed","message":"x"}');
    await overPair(1_024, async (a, b) => {
      const rejecting = new Proxy(a, {
        get(target, key) {
          if (key === 'close')
            return async () => {
              await target.closeWrite();
              throw new Error('close broke');
            };
          const v = Reflect.get(target, key, target) as unknown;
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
      expect(await messageOf(sendThenClose(short, rejecting, b, [pattern(3)], pattern(3), 'st'))).toBe(
        'st: writer close() rejected (flowkit methods never reject): Error: close broke',
      );
    });
    await overPair(1_024, async (a, b) => {
      const stuck = new Proxy(b, {
        get(target, key) {
          if (key === 'close') return () => new Promise(() => {});
          const v = Reflect.get(target, key, target) as unknown;
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
      expect(await messageOf(sendThenClose(short, a, stuck, [pattern(3)], pattern(3), 'st'))).toBe(
        'st: reader close(): no result within 30 ms',
      );
    });
  });

  it("sendExactly names the reader's failed read", async () => {
    const writer = scripted({ write: async () => okWrite });
    const reader = scripted({ read: reads({ ok: false, error: { type: 'reset', message: 'r' } }) });
    expect(
      await messageOf(sendExactly(ctx, writer, reader, [new Uint8Array(1)], new Uint8Array(1), 'sx')),
    ).toBe('sx (reader): read failed after 0 of 1 bytes: {"type":"reset","message":"r"}');
  });

  it('echoChecked names the echo write that hangs', async () => {
    const flow = scripted({ read: reads(data(1)), write: () => new Promise(() => {}) });
    expect(await messageOf(echoChecked(flow, new Uint8Array([1]), 'e', Date.now() + 30))).toMatch(
      /^e: echo: no result within \d+ ms$/,
    );
  });
});
