import { describe, expect, it } from 'vitest';
import { ConformanceError } from '../../src/support/assert.js';
import {
  abort,
  checkReadResult,
  close,
  closeWrite,
  expectAborted,
  expectClosed,
  expectData,
  expectEof,
  expectOk,
  expectReadError,
  guard,
  handled,
  read,
  readUntilEnd,
  readUntilEof,
  receiveExactly,
  startClose,
  startCloseWrite,
  startWrite,
  startWritev,
  task,
  write,
  writeAll,
  writev,
} from '../../src/support/ops.js';
import { sleep } from '../../src/support/timing.js';
import { referencePair } from '../support/reference-pair.js';
import {
  data,
  eof,
  failureOf,
  messageOf,
  okWrite,
  reads,
  readsThenHang,
  scripted,
  thrownBy,
} from './scripted.js';

const closed = { ok: false as const, error: { type: 'closed' as const, message: 'gone' } };
const reset = { ok: false as const, error: { type: 'reset' as const, message: 'peer reset' } };
const soon = () => Date.now() + 2_000;

describe('guard', () => {
  it('passes a value through', async () => {
    expect(await guard('x', async () => 5)).toBe(5);
  });

  it('turns a synchronous throw into a ConformanceError naming the no-throw rule', async () => {
    const e = await failureOf(
      guard('a.write()', () => {
        throw new TypeError('boom');
      }),
    );
    expect(e).toBeInstanceOf(ConformanceError);
    expect((e as Error).message).toBe('a.write() threw (flowkit methods never throw): TypeError: boom');
  });

  it('turns a rejection into a ConformanceError naming the no-reject rule', async () => {
    expect(await messageOf(guard('a.read()', () => Promise.reject(new Error('nope'))))).toBe(
      'a.read() rejected (flowkit methods never reject): Error: nope',
    );
  });

  it("blames the options' own code, not the flow, for a harness call", async () => {
    expect(
      await messageOf(
        guard(
          'makePair()',
          () => {
            throw new Error('x');
          },
          'harness',
        ),
      ),
    ).toBe(
      "makePair() threw: an error in the conformance options' own code, not a broken Flow promise: Error: x",
    );
    expect(await messageOf(guard('cleanup()', () => Promise.reject(new Error('y')), 'harness'))).toBe(
      "cleanup() rejected: an error in the conformance options' own code, not a broken Flow promise: Error: y",
    );
  });

  it('accepts a plain value from a method that should have returned a promise', async () => {
    expect(await guard('x', (() => 3) as unknown as () => Promise<number>)).toBe(3);
  });

  it('an unawaited failing guard, handled or task raises no unhandled rejection', async () => {
    // The setup fails this file on an unhandled rejection.
    void guard('x', () => Promise.reject(new Error('never awaited')));
    void guard('x', () => {
      throw new Error('never awaited');
    });
    const p = Promise.reject(new Error('handled'));
    expect(handled(p)).toBe(p);
    expect(await failureOf(p)).toBeInstanceOf(Error);
    void task(() => Promise.reject(new Error('task')));
    expect(await task(async () => 7)).toBe(7);
    await sleep(5);
  });
});

describe('checkReadResult', () => {
  it('accepts data, EOF and a well-formed error', () => {
    for (const r of [data(1), eof, reset]) expect(checkReadResult(r, 'r')).toBe(r);
  });

  it('refuses what is not a Result', () => {
    expect(thrownBy(() => checkReadResult(undefined, 'b.read()'))).toBe(
      'b.read() resolved with undefined, not a Result',
    );
    expect(thrownBy(() => checkReadResult(null, 'r'))).toBe('r resolved with null, not a Result');
    expect(thrownBy(() => checkReadResult({ ok: 'yes' }, 'r'))).toBe(
      'r resolved with {"ok":"yes"}, not a Result',
    );
    expect(thrownBy(() => checkReadResult('data', 'r'))).toBe('r resolved with "data", not a Result');
  });

  it('refuses data that is not a Uint8Array, or empty', () => {
    expect(thrownBy(() => checkReadResult({ ok: true, value: [1] }, 'r'))).toBe(
      'r returned [1], not a Uint8Array',
    );
    expect(thrownBy(() => checkReadResult({ ok: true, value: new Uint8Array(0) }, 'r'))).toBe(
      'r returned a zero-length buffer (a read returns at least one byte)',
    );
  });

  it('refuses an error without a string type and message', () => {
    for (const error of [undefined, { type: 'reset' }, { message: 'm' }, { type: 1, message: 'm' }]) {
      expect(thrownBy(() => checkReadResult({ ok: false, error }, 'r'))).toMatch(
        /^r returned a malformed error .* \(needs type and message\)$/,
      );
    }
  });
});

describe('read', () => {
  it('returns the checked result, passing the options only when given', async () => {
    const seen: unknown[] = [];
    const flow = scripted({
      read: (...args: unknown[]) => {
        seen.push(args.length);
        return Promise.resolve(data(4));
      },
    });
    const signal = new AbortController().signal;
    expect(await read(flow, 'r', 1_000)).toEqual(data(4));
    await read(flow, 'r', 1_000, { signal });
    expect(seen).toEqual([0, 1]);
  });

  it('fails a read that hangs past its bound, or returns a malformed result', async () => {
    expect(await messageOf(read(scripted({ read: () => new Promise(() => {}) }), 'b.read()', 20))).toBe(
      'b.read(): no result within 20 ms',
    );
    expect(await messageOf(read(scripted({ read: async () => 3 }), 'r', 1_000))).toBe(
      'r resolved with 3, not a Result',
    );
    expect(
      await messageOf(read(scripted({ read: () => Promise.reject(new Error('x')) }), 'r', 1_000)),
    ).toContain('r rejected');
  });
});

describe('writes, closeWrite and close', () => {
  it('each calls its flow method with the argument and returns the result', async () => {
    const got: unknown[] = [];
    const flow = scripted({
      write: async (b) => {
        got.push(['write', b.length]);
        return okWrite;
      },
      writev: async (bs) => {
        got.push(['writev', bs.length]);
        return closed;
      },
      closeWrite: async () => okWrite,
      close: async (...args: unknown[]) => {
        got.push(['close', args.length]);
      },
    });
    expect(await write(flow, new Uint8Array(3), 'w', 1_000)).toBe(okWrite);
    expect(await startWrite(flow, new Uint8Array(2), 'w')).toBe(okWrite);
    expect(await writev(flow, [new Uint8Array(1)], 'v', 1_000)).toBe(closed);
    expect(await startWritev(flow, [], 'v')).toBe(closed);
    expect(await closeWrite(flow, 'cw', 1_000)).toBe(okWrite);
    expect(await startCloseWrite(flow, 'cw')).toBe(okWrite);
    await close(flow, 'c', 1_000);
    await startClose(flow, 'c', { signal: new AbortController().signal });
    expect(got).toEqual([
      ['write', 3],
      ['write', 2],
      ['writev', 1],
      ['writev', 0],
      ['close', 0],
      ['close', 1],
    ]);
  });

  it('refuse a result that is not a Result, or a malformed error', async () => {
    const flow = scripted({
      write: async () => undefined,
      writev: async () => ({ ok: false, error: { type: 'closed' } }),
      closeWrite: async () => ({ ok: 1 }),
    });
    expect(await messageOf(write(flow, new Uint8Array(1), 'a.write()', 1_000))).toBe(
      'a.write() resolved with undefined, not a Result',
    );
    expect(await messageOf(writev(flow, [], 'a.writev()', 1_000))).toBe(
      'a.writev() returned a malformed error {"type":"closed"} (needs type and message)',
    );
    expect(await messageOf(closeWrite(flow, 'a.closeWrite()', 1_000))).toBe(
      'a.closeWrite() resolved with {"ok":1}, not a Result',
    );
    for (const error of [
      undefined,
      { message: 'no type' },
      { type: 1, message: 'm' },
      { type: 'closed', message: 2 },
    ]) {
      const malformed = scripted({ write: async () => ({ ok: false, error }) });
      expect(await messageOf(startWrite(malformed, new Uint8Array(1), 'w'))).toMatch(
        /^w returned a malformed error .* \(needs type and message\)$/,
      );
    }
    expect(await messageOf(startWrite(scripted({ write: async () => null }), new Uint8Array(1), 'w'))).toBe(
      'w resolved with null, not a Result',
    );
    expect(await messageOf(startWrite(scripted({ write: async () => 'ok' }), new Uint8Array(1), 'w'))).toBe(
      'w resolved with "ok", not a Result',
    );
  });

  it('bounded variants fail a call that hangs', async () => {
    const hang = () => new Promise<never>(() => {});
    const flow = scripted({ write: hang, writev: hang, closeWrite: hang, close: hang });
    expect(await messageOf(write(flow, new Uint8Array(1), 'w', 10))).toBe('w: no result within 10 ms');
    expect(await messageOf(writev(flow, [], 'v', 10))).toBe('v: no result within 10 ms');
    expect(await messageOf(closeWrite(flow, 'cw', 10))).toBe('cw: no result within 10 ms');
    expect(await messageOf(close(flow, 'c', 10))).toBe('c: no result within 10 ms');
  });

  it('abort passes the reason and fails the case if abort throws', () => {
    const reasons: unknown[] = [];
    abort(scripted({ abort: (r) => void reasons.push(r) }), 'a.abort()', 'why');
    expect(reasons).toEqual(['why']);
    const throwing = scripted({
      abort: () => {
        throw new Error('no');
      },
    });
    expect(thrownBy(() => abort(throwing, 'a.abort()'))).toBe(
      'a.abort() threw (abort never throws): Error: no',
    );
  });
});

describe('expectations', () => {
  it('expectOk', () => {
    expect(() => expectOk(okWrite, 'w')).not.toThrow();
    expect(thrownBy(() => expectOk(closed, 'w'))).toBe('w failed: {"type":"closed","message":"gone"}');
  });

  it('expectClosed', () => {
    expect(expectClosed(closed, 'w')).toBe(closed.error);
    expect(thrownBy(() => expectClosed(okWrite, 'w'))).toBe("w succeeded, expected { type: 'closed' }");
    expect(thrownBy(() => expectClosed(reset, 'w'))).toBe(
      `w failed with {"type":"reset","message":"peer reset"}, expected type 'closed'`,
    );
  });

  it('expectData', () => {
    const d = data(1, 2);
    expect(expectData(d, 'r')).toBe((d as { value: Uint8Array }).value);
    expect(thrownBy(() => expectData(reset, 'r'))).toBe('r failed: {"type":"reset","message":"peer reset"}');
    expect(thrownBy(() => expectData(eof, 'r'))).toBe('r returned EOF, expected data');
  });

  it('expectEof', () => {
    expect(() => expectEof(eof, 'r')).not.toThrow();
    expect(thrownBy(() => expectEof(reset, 'r'))).toBe(
      'r failed with {"type":"reset","message":"peer reset"}, expected EOF',
    );
    expect(thrownBy(() => expectEof(data(1, 2, 3), 'r'))).toBe('r returned 3 bytes, expected EOF');
  });

  it('expectAborted', () => {
    const aborted = { ok: false, error: { type: 'aborted', message: 'cancelled' } } as const;
    expect(() => expectAborted(aborted, 'r')).not.toThrow();
    expect(thrownBy(() => expectAborted(reset, 'r'))).toBe(
      `r failed with {"type":"reset","message":"peer reset"}, expected type 'aborted'`,
    );
    expect(thrownBy(() => expectAborted(eof, 'r'))).toBe("r returned EOF, expected { type: 'aborted' }");
    expect(thrownBy(() => expectAborted(data(1, 2), 'r'))).toBe(
      "r returned 2 bytes, expected { type: 'aborted' }",
    );
  });

  it('expectReadError', () => {
    expect(expectReadError(reset, 'r')).toBe(reset.error);
    expect(thrownBy(() => expectReadError(eof, 'r'))).toBe('r returned EOF, expected an error');
    expect(thrownBy(() => expectReadError(data(1, 2), 'r'))).toBe('r returned 2 bytes, expected an error');
  });
});

describe('receiveExactly', () => {
  it('joins reads however they split until exactly n bytes', async () => {
    const flow = scripted({ read: reads(data(1), data(2, 3), data(4)) });
    expect([...(await receiveExactly(flow, 4, { what: 'rx', deadline: soon() }))]).toEqual([1, 2, 3, 4]);
    expect(flow.calls).toEqual(['read', 'read', 'read']);
  });

  it('reads nothing for n = 0', async () => {
    const flow = scripted({});
    expect((await receiveExactly(flow, 0, { what: 'rx', deadline: soon() })).length).toBe(0);
  });

  it('fails on EOF, an error or surplus bytes, saying how far it got', async () => {
    const o = { what: 'rx', deadline: soon() };
    expect(await messageOf(receiveExactly(scripted({ read: reads(data(1)) }), 3, o))).toBe(
      'rx: EOF after 1 of 3 bytes',
    );
    expect(await messageOf(receiveExactly(scripted({ read: reads(data(1, 2), reset) }), 3, o))).toBe(
      'rx: read failed after 2 of 3 bytes: {"type":"reset","message":"peer reset"}',
    );
    expect(await messageOf(receiveExactly(scripted({ read: reads(data(1), data(2, 3)) }), 2, o))).toBe(
      'rx: received 3 bytes, expected exactly 2 (a chunk was duplicated or extra data arrived)',
    );
  });

  it('each read is bounded by the deadline and names the progress', async () => {
    const flow = scripted({ read: readsThenHang(data(1)) });
    expect(await messageOf(receiveExactly(flow, 2, { what: 'rx', deadline: Date.now() + 30 }))).toMatch(
      /^rx: read after 1 of 2 bytes: no result within \d+ ms$/,
    );
  });

  it('keeps each chunk as returned: a transport reusing its buffer is caught', async () => {
    const reused = new Uint8Array([1]);
    let n = 0;
    const flow = scripted({
      read: async () => {
        reused[0] = ++n;
        return { ok: true, value: reused };
      },
    });
    expect([...(await receiveExactly(flow, 2, { what: 'rx', deadline: soon() }))]).toEqual([2, 2]);
  });
});

describe('readUntilEof and readUntilEnd', () => {
  it('readUntilEof returns everything up to EOF', async () => {
    const flow = scripted({ read: reads(data(1, 2), data(3)) });
    expect([...(await readUntilEof(flow, 10, { what: 'r', deadline: soon() }))]).toEqual([1, 2, 3]);
  });

  it('readUntilEof fails on an error, with the bytes read so far', async () => {
    const flow = scripted({ read: reads(data(1, 2), reset) });
    expect(await messageOf(readUntilEof(flow, 10, { what: 'r', deadline: soon() }))).toBe(
      'r: read failed after 2 bytes: {"type":"reset","message":"peer reset"}',
    );
  });

  it('readUntilEnd reports how the stream ended, with the data before it', async () => {
    const o = { what: 'r', deadline: soon() };
    const byError = await readUntilEnd(scripted({ read: reads(data(7), reset) }), 10, o);
    expect(byError.end).toBe('error');
    expect([...byError.data]).toEqual([7]);
    expect(byError.end === 'error' && byError.error).toBe(reset.error);
    const byEof = await readUntilEnd(scripted({ read: reads(data(7), data(8)) }), 10, o);
    expect(byEof.end).toBe('eof');
    expect([...byEof.data]).toEqual([7, 8]);
  });

  it('fails once more than the limit arrived, allowing exactly the limit', async () => {
    const o = { what: 'r', deadline: soon() };
    expect((await readUntilEnd(scripted({ read: reads(data(1, 2), data(3)) }), 3, o)).data.length).toBe(3);
    expect(await messageOf(readUntilEnd(scripted({ read: reads(data(1, 2), data(3)) }), 2, o))).toBe(
      'r: more than 2 bytes arrived (data was duplicated)',
    );
  });

  it('names the bytes read so far when a read hangs', async () => {
    const flow = scripted({ read: readsThenHang(data(1, 2)) });
    expect(await messageOf(readUntilEnd(flow, 10, { what: 'r', deadline: Date.now() + 30 }))).toMatch(
      /^r: read after 2 bytes: no result within \d+ ms$/,
    );
  });
});

describe('writeAll', () => {
  it('writes every chunk in order, awaiting each', async () => {
    const [a, b] = referencePair();
    await writeAll(a, [new Uint8Array([1]), new Uint8Array([2, 3])], { what: 'w', deadline: soon() });
    await a.closeWrite();
    expect([...(await readUntilEof(b, 10, { what: 'r', deadline: soon() }))]).toEqual([1, 2, 3]);
    a.abort();
    b.abort();
  });

  it('fails on the first failed write, naming its size and the bytes sent before', async () => {
    const results = [okWrite, closed, okWrite];
    const flow = scripted({ write: async () => results.shift() });
    expect(
      await messageOf(
        writeAll(flow, [new Uint8Array(2), new Uint8Array(5), new Uint8Array(1)], {
          what: 'w',
          deadline: soon(),
        }),
      ),
    ).toBe('w: write of 5 bytes after 2 failed: {"type":"closed","message":"gone"}');
    expect(flow.calls).toEqual(['write', 'write']);
  });

  it('bounds each write by the deadline', async () => {
    const flow = scripted({ write: () => new Promise(() => {}) });
    expect(
      await messageOf(writeAll(flow, [new Uint8Array(4)], { what: 'w', deadline: Date.now() + 20 })),
    ).toMatch(/^w: write of 4 bytes after 0: no result within \d+ ms$/);
  });
});
