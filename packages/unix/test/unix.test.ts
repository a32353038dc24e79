import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EOF } from '@flowkit/flow-types';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { connect, listen, MAX_PATH_BYTES, type UnixListener } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'flowkit-unix-'));
let n = 0;
const fresh = (): string => join(dir, `s${n++}.sock`);
const open: UnixListener[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((l) => l.close()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function bound(path: string, mode?: number): Promise<UnixListener> {
  const r = await listen(mode === undefined ? { path } : { path, mode });
  if (!r.ok) throw new Error(r.error.message);
  open.push(r.value);
  return r.value;
}

function rawServer(path: string): Promise<Server> {
  return new Promise((resolve) => {
    const s = createServer((c) => c.destroy());
    s.listen(path, () => resolve(s));
  });
}

describe('paths', () => {
  it('listen, connect, exchange; addresses; the file is removed on close', async () => {
    const path = fresh();
    const listener = await bound(path);
    expect(listener.address).toEqual({ path });
    expect(statSync(path).isSocket()).toBe(true);
    const accepted = listener.accept();
    const dialed = await connect({ path });
    const acc = await accepted;
    if (!dialed.ok || !acc.ok) throw new Error('connect failed');
    expect(dialed.value.remoteAddress).toEqual({ path });
    expect(acc.value.localAddress).toEqual({ path });
    await dialed.value.write(new TextEncoder().encode('over unix'));
    const r = await acc.value.read();
    expect(r.ok && r.value !== EOF && new TextDecoder().decode(r.value)).toBe('over unix');
    await Promise.all([dialed.value.close(), acc.value.close()]);
    await listener.close();
    expect(() => statSync(path)).toThrow();
  });

  it('mode sets the socket file permissions', async () => {
    const path = fresh();
    await bound(path, 0o600);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const other = fresh();
    await bound(other, 0o660);
    expect(statSync(other).mode & 0o777).toBe(0o660);
  });

  it('a stale socket file (nobody listening) is replaced', async () => {
    const path = fresh();
    const server = await rawServer(path);
    // Leave the file behind: close the fd without unlinking by forking? Simpler:
    // closing a node server unlinks, so recreate a dead socket by binding and
    // then removing the listener's knowledge of it is impossible; instead we
    // keep the file by hard-linking it before close.
    const keep = `${path}.keep`;
    const { linkSync, renameSync } = await import('node:fs');
    linkSync(path, keep);
    await new Promise<void>((r) => server.close(() => r()));
    renameSync(keep, path);
    expect(statSync(path).isSocket()).toBe(true);
    const stale = await connect({ path });
    expect(!stale.ok && stale.error.type).toBe('refused');
    const listener = await bound(path);
    expect(listener.address).toEqual({ path });
    const c = await connect({ path });
    expect(c.ok).toBe(true);
    if (c.ok) c.value.abort();
  });

  it('a live socket is never removed: in-use, naming the path', async () => {
    const path = fresh();
    const server = await rawServer(path);
    const r = await listen({ path });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.type).toBe('in-use');
      expect(r.error.message).toContain(path);
    }
    expect(statSync(path).isSocket()).toBe(true);
    await new Promise<void>((res) => server.close(() => res()));
  });

  it('a regular file or a directory is never removed: exists, naming the path', async () => {
    const file = fresh();
    writeFileSync(file, 'precious');
    const r = await listen({ path: file });
    expect(!r.ok && r.error.type).toBe('exists');
    if (!r.ok) expect(r.error.message).toContain(file);
    expect(statSync(file).isFile()).toBe(true);
    const sub = fresh();
    mkdirSync(sub);
    const d = await listen({ path: sub });
    expect(!d.ok && d.error.type).toBe('exists');
    expect(statSync(sub).isDirectory()).toBe(true);
  });

  it('connecting to a missing path is not-found; a missing parent dir on listen is not-found', async () => {
    const path = fresh();
    const c = await connect({ path });
    expect(!c.ok && c.error.type).toBe('not-found');
    if (!c.ok) expect(c.error.message).toContain(path);
    const l = await listen({ path: join(dir, 'no-such-dir', 'x.sock') });
    expect(!l.ok && l.error.type).toBe('not-found');
  });

  it('a regular file where a directory should be (ENOTDIR) is not-found, for listen and connect', async () => {
    const file = join(dir, `plain-${n++}`);
    writeFileSync(file, 'not a directory');
    const path = join(file, 's.sock');
    const l = await listen({ path });
    expect(!l.ok && l.error.type).toBe('not-found');
    if (!l.ok) {
      expect('code' in l.error && l.error.code).toBe('ENOTDIR');
      expect(l.error.message).toContain(path);
    }
    const c = await connect({ path });
    expect(!c.ok && c.error.type).toBe('not-found');
    if (!c.ok) expect('code' in c.error && c.error.code).toBe('ENOTDIR');
  });
});

describe('abstract names', () => {
  it('listen and connect by name; listening twice is in-use', async () => {
    const name = `flowkit-test-${process.pid}-${n++}`;
    const r = await listen({ name });
    if (!r.ok) throw new Error(r.error.message);
    open.push(r.value);
    expect(r.value.address).toEqual({ name });
    const again = await listen({ name });
    expect(!again.ok && again.error.type).toBe('in-use');
    const accepted = r.value.accept();
    const c = await connect({ name });
    const a = await accepted;
    expect(c.ok && a.ok).toBe(true);
    if (c.ok) expect(c.value.remoteAddress).toEqual({ name });
    if (c.ok) c.value.abort();
    if (a.ok) a.value.abort();
  });

  it('a name nobody listens on is refused', async () => {
    const c = await connect({ name: `flowkit-nobody-${process.pid}-${n++}` });
    expect(!c.ok && c.error.type).toBe('refused');
  });
});

describe('options', () => {
  const long = `/${'é'.repeat(54)}`; // 1 + 108 bytes, but only 55 characters
  it.each([
    [{ path: '' }, 'path'],
    [{ path: 'relative.sock' }, 'path'],
    [{ path: long }, 'path'],
    [{ path: `/${'a'.repeat(MAX_PATH_BYTES)}` }, 'path'],
    [{ name: '' }, 'name'],
    [{ name: 'n'.repeat(MAX_PATH_BYTES + 1) }, 'name'],
    [{}, 'path'],
    [{ path: '/tmp/x', name: 'y' }, 'path'],
    [{ path: '/tmp/x', backlog: -1 }, 'backlog'],
    [{ path: '/tmp/x', mode: 0o1777 }, 'mode'],
    [{ name: 'x', mode: 0o600 }, 'mode'],
  ])('listen(%j) is invalid-option naming %s', async (options, option) => {
    const r = await listen(options as never);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.type).toBe('invalid-option');
      expect('option' in r.error && r.error.option).toBe(option);
    }
  });

  it('a path of exactly 107 UTF-8 bytes is accepted by validation (fails later only for the missing dir)', async () => {
    const path = `/${'a'.repeat(MAX_PATH_BYTES - 1)}`;
    const r = await connect({ path });
    expect(!r.ok && r.error.type).toBe('not-found');
  });

  it.each([
    [{ path: '/tmp/x', signal: () => {} }, 'signal'],
    [{ path: '/tmp/x', timeout: 0 }, 'timeout'],
    [{ path: long }, 'path'],
  ])('connect(%j) is invalid-option naming %s', async (options, option) => {
    const r = await connect(options as never);
    expect(!r.ok && 'option' in r.error && r.error.option).toBe(option);
  });

  const throwing = (key: string, rest: object = {}) =>
    Object.defineProperty({ ...rest }, key, {
      enumerable: true,
      get() {
        throw new Error(`reading ${key}`);
      },
    });
  const nullProto = (o: object) => Object.assign(Object.create(null) as object, o);
  it.each([
    ['path: 0n', () => ({ path: 0n }), 'path'],
    ['name: 1n', () => ({ name: 1n }), 'name'],
    ['path: a symbol', () => ({ path: Symbol('p') }), 'path'],
    ['path: a null-prototype object', () => ({ path: Object.create(null) }), 'path'],
    ['mode: 1n', () => ({ path: '/tmp/x', mode: 1n }), 'mode'],
    ['mode: a null-prototype object', () => ({ path: '/tmp/x', mode: Object.create(null) }), 'mode'],
    ['a getter for path that throws', () => throwing('path'), 'path'],
    ['a getter for signal that throws', () => throwing('signal', { path: '/tmp/x' }), 'signal'],
    [
      'a signal whose aborted getter throws',
      () => ({ path: '/tmp/x', signal: throwing('aborted') }),
      'signal',
    ],
    ['a null-prototype options object with path: 0n', () => nullProto({ path: 0n }), 'path'],
    [
      'a Proxy whose get throws',
      () =>
        new Proxy(
          {},
          {
            get() {
              throw new Error('trap');
            },
          },
        ),
      'path',
    ],
  ])(
    'hostile input (%s): listen and connect resolve invalid-option naming %s, never reject',
    async (_, make, option) => {
      for (const call of [listen, connect] as const) {
        const options = make() as never;
        // mode is a listen option and signal a connect option only.
        if ((option === 'mode' && call === connect) || (option === 'signal' && call === listen)) continue;
        const r = await call(options);
        expect(!r.ok && r.error.type).toBe('invalid-option');
        expect(!r.ok && 'option' in r.error && r.error.option).toBe(option);
      }
    },
  );
});
