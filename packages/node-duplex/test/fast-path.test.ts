import { once } from 'node:events';
import { EOF, err, type Flow, ok, type ReadResult, type WriteResult } from '@flowkit/flow-types';
import { describe, expect, it, vi } from 'vitest';
import { toNodeDuplex } from '../src/index.js';

// Counts the adapter's calls into the kernel's guard: good results of plain
// native promises must not need it (one promise hop per chunk), everything
// else must go through it.
const guards = vi.hoisted(() => ({ read: 0, write: 0, writev: 0 }));
vi.mock('@flowkit/kernel', async (importOriginal) => {
  const kernel = await importOriginal<typeof import('@flowkit/kernel')>();
  return {
    ...kernel,
    guardedRead: (...args: Parameters<typeof kernel.guardedRead>) => {
      guards.read++;
      return kernel.guardedRead(...args);
    },
    guardedWrite: (...args: Parameters<typeof kernel.guardedWrite>) => {
      guards.write++;
      return kernel.guardedWrite(...args);
    },
    guardedWritev: (...args: Parameters<typeof kernel.guardedWritev>) => {
      guards.writev++;
      return kernel.guardedWritev(...args);
    },
  };
});

function reset(): void {
  guards.read = 0;
  guards.write = 0;
  guards.writev = 0;
}

/** A flow that reads `reads` in turn (then waits forever) and records what was written. */
function scripted(
  reads: readonly (() => unknown)[],
  wrap: (result: WriteResult) => unknown = (r) => Promise.resolve(r),
): Flow & { written: Uint8Array[] } {
  let next = 0;
  const written: Uint8Array[] = [];
  return {
    written,
    read: () => (reads[next++] ?? (() => new Promise<ReadResult>(() => {})))() as Promise<ReadResult>,
    write: (buffer) => {
      written.push(buffer);
      return wrap(ok()) as Promise<WriteResult>;
    },
    writev: (buffers) => {
      written.push(...buffers);
      return wrap(ok()) as Promise<WriteResult>;
    },
    closeWrite: () => Promise.resolve(ok()),
    close: () => Promise.resolve(),
    abort: () => {},
  };
}

const bytes = (...xs: number[]) => new Uint8Array(xs);

function writeOne(
  duplex: ReturnType<typeof toNodeDuplex>,
  chunk: Uint8Array,
): Promise<Error | null | undefined> {
  return new Promise((resolve) => duplex.write(chunk, resolve));
}

function writeTwoCorked(duplex: ReturnType<typeof toNodeDuplex>): Promise<Error | null | undefined> {
  return new Promise((resolve) => {
    duplex.cork();
    duplex.write(bytes(1));
    duplex.write(bytes(2), resolve);
    duplex.uncork();
  });
}

describe('toNodeDuplex fast path', () => {
  it('takes good results of plain promises without the guard: bytes, EOF, write and writev ok', async () => {
    reset();
    const flow = scripted([() => Promise.resolve(ok(bytes(1, 2))), () => Promise.resolve(ok(EOF))]);
    const duplex = toNodeDuplex(flow);
    const got: Buffer[] = [];
    duplex.on('data', (c: Buffer) => got.push(c));
    await once(duplex, 'end');
    expect(await writeOne(duplex, bytes(3))).toBeNull();
    expect(await writeTwoCorked(duplex)).toBeNull();
    expect(Buffer.concat(got)).toEqual(Buffer.from([1, 2]));
    expect(Buffer.concat(flow.written)).toEqual(Buffer.from([3, 1, 2]));
    expect(guards).toEqual({ read: 0, write: 0, writev: 0 });
    duplex.destroy();
  });

  it('sends a failure result through the guard, which keeps its code', async () => {
    reset();
    const reset_ = { type: 'reset', message: 'peer reset', code: 'ECONNRESET' } as const;
    const duplex = toNodeDuplex(
      scripted([() => Promise.resolve(err(reset_))], () => Promise.resolve(err(reset_))),
    );
    duplex.on('error', () => {});
    duplex.resume();
    const [error] = (await once(duplex, 'error')) as [Error & { code: string }];
    expect(error.code).toBe('ECONNRESET');
    expect(guards.read).toBe(1);
  });

  it('sends failed writes and writevs through the guard', async () => {
    reset();
    const closed = { type: 'closed', message: 'closed' } as const;
    const duplex = toNodeDuplex(scripted([], () => Promise.resolve(err(closed))));
    duplex.on('error', () => {});
    expect(((await writeOne(duplex, bytes(1))) as Error & { code: string }).code).toBe('ERR_FLOW_CLOSED');
    const other = toNodeDuplex(scripted([], () => Promise.resolve(err(closed))));
    other.on('error', () => {});
    expect(((await writeTwoCorked(other)) as Error & { code: string }).code).toBe('ERR_FLOW_CLOSED');
    expect(guards).toEqual({ read: 0, write: 1, writev: 1 });
  });

  it('sends promise subclasses and bare thenables through the guard, and they still work', async () => {
    reset();
    class Later<T> extends Promise<T> {}
    const thenable = <T>(value: T) =>
      // biome-ignore lint/suspicious/noThenProperty: a bare thenable (not a native promise) is what this test feeds in
      ({ then: (resolve: (v: T) => void) => resolve(value) });
    const flow = scripted(
      [() => Later.resolve(ok(bytes(7))), () => thenable(ok(bytes(8))), () => Promise.resolve(ok(EOF))],
      (r) => Later.resolve(r),
    );
    const duplex = toNodeDuplex(flow);
    const got: Buffer[] = [];
    duplex.on('data', (c: Buffer) => got.push(c));
    await once(duplex, 'end');
    expect(Buffer.concat(got)).toEqual(Buffer.from([7, 8]));
    expect(await writeOne(duplex, bytes(3))).toBeNull();
    expect(await writeTwoCorked(duplex)).toBeNull();
    expect(guards).toEqual({ read: 2, write: 1, writev: 1 });
    duplex.destroy();
  });

  it.each([
    ['ok that is not true', { ok: 1, value: bytes(1) }, /not a Result/],
    ['ok with a byteLength that is not bytes', { ok: true, value: { byteLength: 3 } }, /not bytes or EOF/],
    ['ok with zero bytes', { ok: true, value: bytes() }, /resolved 0 bytes/],
    ['undefined', undefined, /resolved undefined, not a Result/],
  ])('a read resolving %s fails the stream through the guard', async (_, value, message) => {
    reset();
    const duplex = toNodeDuplex(scripted([() => Promise.resolve(value)]));
    duplex.resume();
    const [error] = (await once(duplex, 'error')) as [Error & { code: string }];
    expect(error.code).toBe('ERR_FLOW_BROKEN');
    expect(error.message).toMatch(message);
    expect(guards.read).toBe(1);
  });

  it('a write resolving a result whose getter throws is a broken contract', async () => {
    reset();
    const duplex = toNodeDuplex(
      scripted([], () =>
        Promise.resolve({
          get ok(): boolean {
            throw new Error('boom');
          },
        }),
      ),
    );
    duplex.on('error', () => {});
    const error = (await writeOne(duplex, bytes(1))) as Error & { code: string };
    expect(error.code).toBe('ERR_FLOW_BROKEN');
    expect(error.message).toMatch(/inspection threw: Error: boom/);
  });

  it('a write resolving ok: 1 is a broken contract, not a success', async () => {
    reset();
    const duplex = toNodeDuplex(scripted([], () => Promise.resolve({ ok: 1 })));
    duplex.on('error', () => {});
    const error = (await writeOne(duplex, bytes(1))) as Error & { code: string };
    expect(error.code).toBe('ERR_FLOW_BROKEN');
    expect(guards.write).toBe(1);
  });
});
