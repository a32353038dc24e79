import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import {
  closedError,
  EOF,
  type Eof,
  err,
  type Flow,
  type FlowError,
  ok,
  type ReadResult,
  type WriteResult,
} from '@flowkit/flow-types';
import { ForwardingFlow } from '@flowkit/kernel';
import { describe, expect, it } from 'vitest';
import { fromNodeDuplex, toNodeDuplex } from '../src/index.js';

/**
 * A minimal in-test flow pair (one direction = an unbounded queue), with a
 * log of the calls the adapter makes, so each test can check what reached
 * the flow. Kept here so this file does not depend on @flowkit/memory.
 */
class Pipe {
  readonly chunks: (Uint8Array | Eof | FlowError)[] = [];
  readonly waiters: ((r: ReadResult) => void)[] = [];
  #ended!: () => void;
  /** Resolves once EOF or an error was put: the writer's end, read or not. */
  readonly ended = new Promise<void>((resolve) => {
    this.#ended = resolve;
  });
  put(item: Uint8Array | Eof | FlowError): void {
    if (!(item instanceof Uint8Array)) this.#ended();
    const w = this.waiters.shift();
    if (w !== undefined) w(toResult(item));
    else this.chunks.push(item);
  }
  take(): Promise<ReadResult> {
    const head = this.chunks[0];
    if (head === undefined) return new Promise((resolve) => this.waiters.push(resolve));
    if (head instanceof Uint8Array) this.chunks.shift();
    return Promise.resolve(toResult(head));
  }
}

function toResult(item: Uint8Array | Eof | FlowError): ReadResult {
  if (item === EOF || item instanceof Uint8Array) return ok(item);
  return err(item);
}

class TestFlow implements Flow {
  readonly log: string[] = [];
  readonly written: Uint8Array[] = [];
  #state: 'open' | 'writeClosed' | 'aborted' = 'open';
  #closeWrite: Promise<WriteResult> | undefined;
  #closed: Promise<void> | undefined;
  /** What the next closeWrite() resolves with (a test sets a failure). */
  closeWriteResult: WriteResult = ok();
  constructor(
    readonly incoming: Pipe,
    readonly outgoing: Pipe,
  ) {}
  read(): Promise<ReadResult> {
    this.log.push('read');
    return this.incoming.take();
  }
  write(buffer: Uint8Array): Promise<WriteResult> {
    return this.writev([buffer]);
  }
  writev(buffers: readonly Uint8Array[]): Promise<WriteResult> {
    this.log.push(`writev:${buffers.length}`);
    if (this.#state !== 'open') return Promise.resolve(err(closedError()));
    for (const b of buffers) {
      this.written.push(b);
      if (b.length > 0) this.outgoing.put(b);
    }
    return Promise.resolve(ok());
  }
  closeWrite(): Promise<WriteResult> {
    this.log.push('closeWrite');
    if (this.#closeWrite === undefined) {
      if (this.#state === 'open') {
        this.#state = 'writeClosed';
        if (this.closeWriteResult.ok) this.outgoing.put(EOF);
      }
      this.#closeWrite = Promise.resolve(this.closeWriteResult);
    }
    return this.#closeWrite;
  }
  close(): Promise<void> {
    this.log.push('close');
    // As a socket flow: half-close, then wait for the remote's end (which
    // needs no read while it fits the buffers).
    this.#closed ??= this.closeWrite().then(() => this.incoming.ended);
    return this.#closed;
  }
  abort(reason?: unknown): void {
    this.log.push(`abort:${reason instanceof Error ? reason.message : String(reason)}`);
    this.#state = 'aborted';
    this.outgoing.put({ type: 'reset', message: 'peer aborted' });
  }
}

function testPair(): [TestFlow, TestFlow] {
  const ab = new Pipe();
  const ba = new Pipe();
  return [new TestFlow(ba, ab), new TestFlow(ab, ba)];
}

async function readAll(flow: Flow, limit = 10_000): Promise<{ bytes: Buffer; end: 'eof' | FlowError }> {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < limit; i++) {
    const r = await flow.read();
    if (!r.ok) return { bytes: Buffer.concat(parts), end: r.error };
    if (r.value === EOF) return { bytes: Buffer.concat(parts), end: 'eof' };
    parts.push(r.value);
  }
  throw new Error('readAll: too many chunks');
}

/** Every chunk as emitted: flowing mode, because read() would concatenate buffered chunks. */
async function collect(stream: Duplex): Promise<Buffer[]> {
  const parts: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => parts.push(chunk));
  await once(stream, 'end');
  return parts;
}

function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

describe('toNodeDuplex', () => {
  it('pushes the very buffers the flow returns, in order, then ends on EOF', async () => {
    const [a, b] = testPair();
    const duplex = toNodeDuplex(b);
    const sent = [bytes(10, 1), bytes(70_000, 2), bytes(1, 3)];
    for (const s of sent) await a.write(s);
    void a.close();
    const got = await collect(duplex);
    expect(got.length).toBe(sent.length);
    got.forEach((chunk, i) => {
      // Same memory, not a copy.
      expect(chunk.buffer).toBe(sent[i]!.buffer);
      expect(Buffer.from(chunk).equals(Buffer.from(sent[i]!))).toBe(true);
    });
    duplex.destroy();
  });

  it('keeps at most one read outstanding and stops pulling when its buffer is full', async () => {
    const [a, b] = testPair();
    let inFlight = 0;
    let maxInFlight = 0;
    const counted: Flow = {
      read: () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        return b.read().finally(() => inFlight--);
      },
      write: (buffer) => b.write(buffer),
      writev: (buffers) => b.writev(buffers),
      closeWrite: () => b.closeWrite(),
      close: () => b.close(),
      abort: (reason) => b.abort(reason),
    };
    const duplex = toNodeDuplex(counted, { readableHighWaterMark: 1024 });
    for (let i = 0; i < 20; i++) await a.write(bytes(1024, i));
    duplex.read(0);
    // Let the stream fill its buffer.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    const reads = b.log.filter((l) => l === 'read').length;
    // It filled the 1 KiB buffer and stopped: far fewer reads than chunks waiting.
    expect(reads).toBeGreaterThanOrEqual(1);
    expect(reads).toBeLessThanOrEqual(3);
    expect(a.outgoing.chunks.length).toBeGreaterThanOrEqual(17);
    expect(maxInFlight).toBe(1);
    duplex.destroy();
  });

  it('writes pass through to flow.write, and corked writes become one writev', async () => {
    const [a, b] = testPair();
    const duplex = toNodeDuplex(a);
    const one = bytes(5, 9);
    await new Promise<void>((resolve, reject) => duplex.write(one, (e) => (e ? reject(e) : resolve())));
    duplex.cork();
    duplex.write(bytes(3, 1));
    duplex.write(bytes(4, 2));
    duplex.write(bytes(5, 3));
    duplex.uncork();
    duplex.end();
    await once(duplex, 'finish');
    // Handed on without a copy: the flow sees the caller's memory.
    expect(a.written[0]!.buffer).toBe(one.buffer);
    expect(a.log).toContain('writev:3');
    const { bytes: got, end } = await readAll(b);
    expect(end).toBe('eof');
    expect(got.equals(Buffer.concat([one, bytes(3, 1), bytes(4, 2), bytes(5, 3)]))).toBe(true);
    duplex.destroy();
  });

  it("end() half-closes: 'finish' comes before the remote closes, and reading goes on", async () => {
    const [a, b] = testPair();
    const duplex = toNodeDuplex(a);
    duplex.end(Buffer.from('request'));
    await once(duplex, 'finish');
    expect(a.log).toContain('closeWrite');
    expect(a.log).not.toContain('close');
    // The remote sees the request then EOF, and can still answer.
    const req = await readAll(b);
    expect(req.end).toBe('eof');
    expect(req.bytes.toString()).toBe('request');
    await b.write(Buffer.from('reply'));
    const closed = b.close();
    const got = await collect(duplex);
    expect(Buffer.concat(got).toString()).toBe('reply');
    await closed;
    expect(a.log.some((l) => l.startsWith('abort'))).toBe(false);
  });

  it("a failed closeWrite errors the stream instead of emitting 'finish'", async () => {
    const [a] = testPair();
    a.closeWriteResult = err({ type: 'reset', message: 'reset during the flush', code: 'ECONNRESET' });
    const duplex = toNodeDuplex(a);
    let finished = false;
    duplex.on('finish', () => {
      finished = true;
    });
    duplex.end(Buffer.from('last words'));
    const [error] = (await once(duplex, 'error')) as [Error & { code: string }];
    expect(error.code).toBe('ECONNRESET');
    expect((error.cause as FlowError).type).toBe('reset');
    expect(finished).toBe(false);
  });

  it('a read error destroys the stream with an Error whose cause is the flow error', async () => {
    const [a, b] = testPair();
    const duplex = toNodeDuplex(b);
    a.outgoing.put({ type: 'truncated', message: 'no close_notify' });
    duplex.resume();
    const [error] = (await once(duplex, 'error')) as [Error & { code: string }];
    expect(error.code).toBe('ERR_FLOW_TRUNCATED');
    expect((error.cause as FlowError).type).toBe('truncated');
    expect(duplex.destroyed).toBe(true);
  });

  it('a write error reaches the write callback and errors the stream', async () => {
    const [a] = testPair();
    const duplex = toNodeDuplex(a);
    a.abort('gone');
    const errors: Error[] = [];
    duplex.on('error', (e) => errors.push(e));
    const cbError = await new Promise<Error | null | undefined>((resolve) =>
      duplex.write(Buffer.from('x'), resolve),
    );
    expect(cbError).toBeInstanceOf(Error);
    expect(((cbError as Error).cause as { type: string }).type).toBe('closed');
  });

  it('destroy(err) aborts the flow with that reason; the remote reads an error', async () => {
    const [a, b] = testPair();
    const duplex = toNodeDuplex(a);
    duplex.on('error', () => {});
    duplex.destroy(new Error('boom'));
    await new Promise((resolve) => duplex.on('close', resolve));
    expect(a.log).toContain('abort:boom');
    const r = await b.read();
    expect(r.ok).toBe(false);
  });

  it('destroy() before end() aborts; destroy() after end() closes the flow without a reset', async () => {
    {
      const [a] = testPair();
      const duplex = toNodeDuplex(a);
      duplex.destroy();
      await once(duplex, 'close');
      expect(a.log.some((l) => l.startsWith('abort'))).toBe(true);
    }
    {
      const [a, b] = testPair();
      const duplex = toNodeDuplex(a);
      duplex.end();
      await once(duplex, 'finish');
      duplex.destroy();
      await once(duplex, 'close');
      expect(a.log.some((l) => l.startsWith('abort'))).toBe(false);
      expect(a.log).toContain('close');
      // The remote got a clean EOF, sends trailing bytes and closes: the
      // inner close completes without anyone reading them.
      expect((await readAll(b)).end).toBe('eof');
      await b.write(Buffer.from('late'));
      await b.close();
      await a.close();
    }
  });

  it('works with stream.pipeline-style piping in both directions (byte-exact)', async () => {
    const [a, b] = testPair();
    const left = toNodeDuplex(a);
    const right = toNodeDuplex(b);
    right.pipe(right); // echo
    const payload = Buffer.from(bytes(200_000, 7));
    left.end(payload);
    const echoed = Buffer.concat(await collect(left));
    expect(echoed.equals(payload)).toBe(true);
    left.destroy();
    right.destroy();
  });
});

describe('toNodeDuplex options', () => {
  it('ignores stream options on a polluted Object.prototype (signal, objectMode, highWaterMark)', async () => {
    const proto = Object.prototype as Record<string, unknown>;
    const hostile: Record<string, unknown> = {
      signal: AbortSignal.abort('polluted'),
      objectMode: true,
      readableObjectMode: true,
      highWaterMark: 1,
      encoding: 'hex',
      decodeStrings: false,
    };
    for (const [key, value] of Object.entries(hostile)) {
      proto[key] = value;
      try {
        const [a, b] = testPair();
        const duplex = toNodeDuplex(b);
        const sent = bytes(1000, 7);
        await a.write(sent);
        void a.close();
        const got = await collect(duplex);
        expect(Buffer.concat(got).equals(Buffer.from(sent)), `with Object.prototype.${key}`).toBe(true);
        expect(duplex.destroyed && duplex.errored, `with Object.prototype.${key}`).toBeFalsy();
        duplex.destroy();
      } finally {
        delete proto[key];
      }
    }
  });

  it('a bad high-water mark is a TypeError at the call, naming the option', () => {
    const [, b] = testPair();
    expect(() => toNodeDuplex(b, { readableHighWaterMark: -1 })).toThrow(
      /toNodeDuplex: readableHighWaterMark must be an integer ≥ 0, got -1/,
    );
    expect(() => toNodeDuplex(b, { writableHighWaterMark: '8' as never })).toThrow(TypeError);
  });
});

describe('toNodeDuplex over a flow that breaks its contract', () => {
  const boom = new Error('boom');
  /** `inner` with one method replaced by a broken one. */
  function broken(
    methods: readonly ('read' | 'write' | 'writev' | 'closeWrite')[],
    how: () => unknown,
  ): Flow {
    const [a] = testPair();
    return Object.assign(new ForwardingFlow(a), Object.fromEntries(methods.map((m) => [m, how])));
  }
  const breakages = [
    ['rejects', () => Promise.reject(boom), /rejected: Error: boom/],
    [
      'throws',
      () => {
        throw boom;
      },
      /threw: Error: boom/,
    ],
    ['resolves a non-Result', () => Promise.resolve('nonsense'), /resolved "nonsense", not a Result/],
    ['returns no promise', () => undefined, /not a promise/],
  ] as const;

  it.each(breakages)(
    'read() that %s: the stream fails with ERR_FLOW_BROKEN, no unhandled rejection',
    async (_, how, message) => {
      const duplex = toNodeDuplex(broken(['read'], how));
      duplex.resume();
      const [error] = (await once(duplex, 'error')) as [Error & { code: string }];
      expect(error.code).toBe('ERR_FLOW_BROKEN');
      expect(error.message).toMatch(message);
      expect(duplex.destroyed).toBe(true);
    },
  );

  it('read() resolving ok with something other than bytes fails the stream the same way', async () => {
    const duplex = toNodeDuplex(broken(['read'], () => Promise.resolve(ok('abc' as never))));
    duplex.resume();
    const [error] = (await once(duplex, 'error')) as [Error & { code: string }];
    expect(error.code).toBe('ERR_FLOW_BROKEN');
    expect(error.message).toMatch(/read\(\) resolved "abc", not bytes/);
  });

  it.each(breakages)('write() that %s: the write callback gets ERR_FLOW_BROKEN', async (_, how, message) => {
    const duplex = toNodeDuplex(broken(['write', 'writev'], how));
    duplex.on('error', () => {});
    const cbError = await new Promise<Error | null | undefined>((resolve) =>
      duplex.write(Buffer.from('x'), resolve),
    );
    expect((cbError as Error & { code: string }).code).toBe('ERR_FLOW_BROKEN');
    expect((cbError as Error).message).toMatch(message);
  });

  it.each([
    ['ok with zero bytes', () => Promise.resolve(ok(new Uint8Array(0))), /resolved 0 bytes/],
    ['a failure without a type', () => Promise.resolve({ ok: false, error: 'x' }), /whose error is "x"/],
    [
      'a result whose getter throws',
      () =>
        Promise.resolve({
          get ok(): boolean {
            throw boom;
          },
        }),
      /inspection threw: Error: boom/,
    ],
    ['null', () => Promise.resolve(null), /resolved null, not a Result/],
  ] as const)('read() resolving %s fails the stream with ERR_FLOW_BROKEN', async (_, how, message) => {
    const duplex = toNodeDuplex(broken(['read'], how));
    duplex.resume();
    const [error] = (await once(duplex, 'error')) as [Error & { code: string }];
    expect(error.code).toBe('ERR_FLOW_BROKEN');
    expect(error.message).toMatch(message);
  });

  it.each([
    ['write', bytes(3, 1)],
    ['writev', undefined],
  ] as const)(
    '%s() resolving a failure without a message is ERR_FLOW_BROKEN, and says which method',
    async (method, one) => {
      const duplex = toNodeDuplex(
        broken(['write', 'writev'], () => Promise.resolve({ ok: false, error: { type: 'reset' } })),
      );
      duplex.on('error', () => {});
      const cbError = await new Promise<Error | null | undefined>((resolve) => {
        if (one !== undefined) {
          duplex.write(one, resolve);
          return;
        }
        duplex.cork();
        duplex.write(bytes(2, 1));
        duplex.write(bytes(2, 2), resolve);
        duplex.uncork();
      });
      expect((cbError as Error & { code: string }).code).toBe('ERR_FLOW_BROKEN');
      expect((cbError as Error).message).toMatch(
        new RegExp(`${method}\\(\\) resolved a failure whose error has no string type`),
      );
    },
  );

  it('writev() that throws is ERR_FLOW_BROKEN naming writev()', async () => {
    const duplex = toNodeDuplex(
      broken(['writev'], () => {
        throw boom;
      }),
    );
    duplex.on('error', () => {});
    const cbError = await new Promise<Error | null | undefined>((resolve) => {
      duplex.cork();
      duplex.write(bytes(2, 1));
      duplex.write(bytes(2, 2), resolve);
      duplex.uncork();
    });
    expect((cbError as Error).message).toMatch(/writev\(\) threw: Error: boom/);
  });

  it('a flow failure result (not a broken contract) reaches the stream with its own code', async () => {
    const reset = { type: 'reset', message: 'peer reset', code: 'ECONNRESET' };
    const duplex = toNodeDuplex(
      broken(['read', 'write', 'writev'], () => Promise.resolve({ ok: false, error: reset })),
    );
    duplex.on('error', () => {});
    const cbError = await new Promise<Error | null | undefined>((resolve) =>
      duplex.write(Buffer.from('x'), resolve),
    );
    expect((cbError as Error & { code: string }).code).toBe('ECONNRESET');
    expect((cbError as Error).cause).toBe(reset);
  });

  it('a flow whose methods return thenables or promise subclasses still works', async () => {
    class Later<T> extends Promise<T> {}
    const [a, b] = testPair();
    const thenable = <T>(p: Promise<T>) =>
      // biome-ignore lint/suspicious/noThenProperty: a bare thenable (not a native promise) is what this test feeds in
      ({ then: p.then.bind(p) }) as unknown as Promise<T>;
    const odd: Flow = {
      read: () => thenable(b.read()),
      write: (buffer) => Later.resolve(b.write(buffer)),
      writev: (buffers) => thenable(b.writev(buffers)),
      closeWrite: () => b.closeWrite(),
      close: () => b.close(),
      abort: (reason) => b.abort(reason),
    };
    const duplex = toNodeDuplex(odd);
    await a.write(bytes(7, 1));
    void a.close();
    await new Promise<void>((resolve, reject) =>
      duplex.write(bytes(2, 5), (e) => (e ? reject(e) : resolve())),
    );
    duplex.cork();
    duplex.write(bytes(2, 6));
    duplex.write(bytes(2, 7));
    duplex.uncork();
    duplex.end();
    const got = await collect(duplex);
    expect(Buffer.concat(got).equals(Buffer.from(bytes(7, 1)))).toBe(true);
    const { bytes: sent, end } = await readAll(a);
    expect(end).toBe('eof');
    expect(sent.equals(Buffer.concat([bytes(2, 5), bytes(2, 6), bytes(2, 7)]))).toBe(true);
    duplex.destroy();
  });

  it('closeWrite() that rejects: end() errors the stream with ERR_FLOW_BROKEN', async () => {
    const duplex = toNodeDuplex(broken(['closeWrite'], () => Promise.reject(boom)));
    duplex.end();
    const [error] = (await once(duplex, 'error')) as [Error & { code: string }];
    expect(error.code).toBe('ERR_FLOW_BROKEN');
  });
});

describe('fromNodeDuplex over toNodeDuplex', () => {
  it('abort() after closeWrite() aborts the inner flow, not a graceful close', async () => {
    const [a] = testPair();
    const outer = fromNodeDuplex(toNodeDuplex(a));
    expect((await outer.closeWrite()).ok).toBe(true);
    outer.abort(new Error('tear down'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const ends = a.log.filter((l) => l.startsWith('abort') || l === 'close');
    expect(ends.map((l) => (l.startsWith('abort') ? 'abort' : l))).toEqual(['abort']);
  });
});

describe('toNodeDuplex: options and edges', () => {
  it('a read error without a system code becomes ERR_FLOW_<TYPE>, with the flowkit error as cause', async () => {
    const [a, b] = testPair();
    const duplex = toNodeDuplex(a);
    const failed = once(duplex, 'error');
    duplex.resume();
    const error = { type: 'connection-lost', message: 'gone' } as unknown as FlowError;
    a.incoming.put(error);
    const [e] = (await failed) as [Error & { code: string }];
    expect(e.code).toBe('ERR_FLOW_CONNECTION_LOST');
    expect(e.cause).toBe(error);
    b.abort();
  });

  it('stays half-open: after the remote EOF the writable side still writes', async () => {
    const [a, b] = testPair();
    const duplex = toNodeDuplex(a);
    b.closeWrite();
    await collect(duplex);
    expect(duplex.writable).toBe(true);
    await new Promise<void>((resolve, reject) =>
      duplex.write(bytes(3, 1), (e) => (e ? reject(e) : resolve())),
    );
    expect(a.written.map((w) => w.length)).toEqual([3]);
    duplex.destroy();
  });

  it('a string written is handed to the flow as bytes', async () => {
    const [a, b] = testPair();
    const duplex = toNodeDuplex(a);
    await new Promise<void>((resolve, reject) => duplex.write('hi', (e) => (e ? reject(e) : resolve())));
    expect(a.written.map((w) => Buffer.from(w).toString())).toEqual(['hi']);
    duplex.destroy();
    b.abort();
  });

  it('readableHighWaterMark and writableHighWaterMark reach the Duplex; absent, Node keeps its defaults', () => {
    const [a, b] = testPair();
    const tuned = toNodeDuplex(a, { readableHighWaterMark: 3, writableHighWaterMark: 5 });
    expect([tuned.readableHighWaterMark, tuned.writableHighWaterMark]).toEqual([3, 5]);
    const plain = toNodeDuplex(b);
    expect([plain.readableHighWaterMark, plain.writableHighWaterMark]).toEqual([16 * 1024, 16 * 1024]);
    tuned.destroy();
    plain.destroy();
  });

  it('destroy() before end() aborts the flow with "Duplex destroyed"', () => {
    const [a, b] = testPair();
    toNodeDuplex(a).destroy();
    expect(a.log).toContain('abort:Duplex destroyed');
    b.abort();
  });
});
