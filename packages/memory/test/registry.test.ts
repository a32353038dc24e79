import { EOF } from '@flowkit/flow-types';
import { describe, expect, it } from 'vitest';
import { connect, listen, type MemoryListener } from '../src/index.js';
import { pattern, settle, track } from './helpers.js';

let counter = 0;
const fresh = () => `registry-test-${++counter}`;

async function mustListen(name: string, extra: object = {}): Promise<MemoryListener> {
  const r = await listen({ name, ...extra });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('listen/connect', () => {
  it('connects a dialer to the accepted end, both ways, with names', async () => {
    const name = fresh();
    const listener = await mustListen(name);
    expect(listener.address).toEqual({ name });
    const dialed = await connect({ name });
    expect(dialed.ok).toBe(true);
    if (!dialed.ok) return;
    const accepted = await listener.accept();
    expect(accepted.ok).toBe(true);
    if (!accepted.ok) return;
    const client = dialed.value;
    const server = accepted.value;
    expect(client.remoteName).toBe(name);
    expect(server.localName).toBe(name);
    expect(client.localName).toBe(`${name}#1`);
    expect(server.remoteName).toBe(client.localName);
    const hello = pattern(5);
    await client.write(hello);
    const r = await server.read();
    expect(r.ok && r.value).toBe(hello);
    await Promise.all([client.close(), server.close(), server.read()]);
    expect(await client.read()).toEqual({ ok: true, value: EOF });
    await listener.close();
  });

  it('returns queued connections in order, and a pending accept gets the next one', async () => {
    const name = fresh();
    const listener = await mustListen(name);
    const dialers = [];
    for (let i = 0; i < 3; i++) {
      const d = await connect({ name });
      if (!d.ok) throw new Error(d.error.message);
      dialers.push(d.value);
    }
    for (const d of dialers) {
      const a = await listener.accept();
      expect(a.ok && a.value.remoteName).toBe(d.localName);
    }
    const pending = listener.accept();
    const late = await connect({ name });
    const a = await pending;
    expect(late.ok && a.ok && a.value.remoteName === late.value.localName).toBe(true);
    await listener.close();
    for (const d of dialers) d.abort();
    if (late.ok) late.value.abort();
  });

  it('applies the listener capacity and faults to each connection', async () => {
    const name = fresh();
    const listener = await mustListen(name, { capacity: 8, faults: { seed: 5, rechunk: { maxChunk: 2 } } });
    const d = await connect({ name });
    const a = await listener.accept();
    if (!d.ok || !a.ok) throw new Error('connect failed');
    await d.value.write(pattern(8));
    const blocked = track(d.value.write(pattern(1)));
    await settle();
    expect(blocked.done).toBe(false);
    const r = await a.value.read();
    expect(r.ok && r.value !== EOF && r.value.length).toBeLessThanOrEqual(2);
    d.value.abort();
    await listener.close();
  });

  it('refuses a name nobody listens on, naming it', async () => {
    const r = await connect({ name: 'nobody-here' });
    expect(r).toMatchObject({ ok: false, error: { type: 'refused' } });
    expect(!r.ok && r.error.message).toContain('nobody-here');
  });

  it('a fired signal makes connect resolve aborted', async () => {
    const name = fresh();
    const listener = await mustListen(name);
    const r = await connect({ name, signal: AbortSignal.abort('no') });
    expect(r).toMatchObject({ ok: false, error: { type: 'aborted', cause: 'no' } });
    await listener.close();
  });

  it('a taken name is in-use; an empty name or bad option is invalid-option', async () => {
    const name = fresh();
    const listener = await mustListen(name);
    expect(await listen({ name })).toMatchObject({ ok: false, error: { type: 'in-use' } });
    expect(await listen({ name: '' })).toMatchObject({
      ok: false,
      error: { type: 'invalid-option', option: 'name' },
    });
    expect(await connect({ name: '' })).toMatchObject({ ok: false, error: { type: 'invalid-option' } });
    expect(await listen({ name: fresh(), capacity: 0 })).toMatchObject({
      ok: false,
      error: { type: 'invalid-option', option: 'capacity' },
    });
    expect(await listen({ name: fresh(), faults: { resetAfter: -2 } })).toMatchObject({
      ok: false,
      error: { type: 'invalid-option', option: 'faults.resetAfter' },
    });
    await listener.close();
  });

  it('close: accepts resolve closed, queued connections are aborted, accepted ones left alone, name released', async () => {
    const name = fresh();
    const listener = await mustListen(name);
    const first = await connect({ name });
    const accepted = await listener.accept();
    const queued = await connect({ name });
    if (!first.ok || !accepted.ok || !queued.ok) throw new Error('connect failed');
    await listener.close();
    await listener.close();
    expect(await listener.accept()).toMatchObject({ ok: false, error: { type: 'closed' } });
    expect(await queued.value.read()).toMatchObject({ ok: false, error: { type: 'reset' } });
    // The accepted connection still works.
    const buffer = pattern(3);
    await first.value.write(buffer);
    const r = await accepted.value.read();
    expect(r.ok && r.value).toBe(buffer);
    expect(await connect({ name })).toMatchObject({ ok: false, error: { type: 'refused' } });
    const again = await mustListen(name);
    await again.close();
    first.value.abort();
  });

  it('a pending accept resolves closed when the listener closes, and iteration ends', async () => {
    const name = fresh();
    const listener = await mustListen(name);
    const pending = listener.accept();
    await listener.close();
    expect(await pending).toMatchObject({ ok: false, error: { type: 'closed' } });

    const second = await mustListen(fresh());
    const seen: string[] = [];
    const loop = (async () => {
      for await (const flow of second) {
        seen.push(flow.remoteName ?? '');
        flow.abort();
      }
    })();
    for (let i = 0; i < 3; i++) await connect({ name: second.address.name });
    await settle();
    await second.close();
    await loop;
    expect(seen).toEqual([1, 2, 3].map((n) => `${second.address.name}#${n}`));
  });

  it('the registry lives on globalThis under a registered symbol, so another copy can dial through it', async () => {
    const name = fresh();
    const listener = await mustListen(name);
    const shared = (globalThis as Record<symbol, unknown>)[Symbol.for('@flowkit/memory/registry/v2')];
    expect(shared instanceof Map && shared.has(name)).toBe(true);
    // Another copy of the package knows only the symbol and the entry's dial().
    const entry = (shared as Map<string, { dial(): { ok: boolean; value?: unknown } }>).get(name)!;
    const dialed = entry.dial();
    expect(dialed.ok).toBe(true);
    const accepted = await listener.accept();
    expect(accepted.ok && accepted.value.remoteName).toBe(`${name}#1`);
    await listener.close();
    expect(shared instanceof Map && shared.has(name)).toBe(false);
    (dialed.value as { abort(): void }).abort();
    if (accepted.ok) accepted.value.abort();
  });
});

describe('listen: the backlog of connections nobody accepted', () => {
  it('is bounded: beyond backlog, connect is refused naming the full backlog; accepting frees a place', async () => {
    const name = fresh();
    const listener = await mustListen(name, { backlog: 2 });
    const dialed = [await connect({ name }), await connect({ name })];
    expect(dialed.every((d) => d.ok)).toBe(true);
    const third = await connect({ name });
    expect(third).toMatchObject({ ok: false, error: { type: 'refused', message: /backlog/ } });
    const accepted = await listener.accept();
    expect(accepted.ok).toBe(true);
    const fourth = await connect({ name });
    expect(fourth.ok).toBe(true);
    await listener.close();
    for (const d of [...dialed, fourth]) if (d.ok) d.value.abort();
    if (accepted.ok) accepted.value.abort();
  });

  it.each([0, -1, 1.5, 70_000, '5'])('backlog %j is invalid-option naming backlog', async (backlog) => {
    const r = await listen({ name: fresh(), backlog: backlog as never });
    expect(r).toMatchObject({ ok: false, error: { type: 'invalid-option', option: 'backlog' } });
  });
});

describe('listen/connect: what each error says', () => {
  it('names the memory name in every refusal', async () => {
    const name = fresh();
    const listener = await mustListen(name, { backlog: 1 });
    expect(await listen({ name })).toEqual({
      ok: false,
      error: { type: 'in-use', message: `memory name "${name}" is already being listened on` },
    });
    const first = await connect({ name });
    expect(await connect({ name })).toEqual({
      ok: false,
      error: {
        type: 'refused',
        message: `memory listener "${name}" has a full backlog of connections nobody accepted`,
      },
    });
    const controller = new AbortController();
    const why = new Error('gave up');
    controller.abort(why);
    expect(await connect({ name, signal: controller.signal })).toEqual({
      ok: false,
      error: { type: 'aborted', message: `connect to memory name "${name}" was aborted`, cause: why },
    });
    expect(await listen({} as never)).toMatchObject({
      ok: false,
      error: {
        type: 'invalid-option',
        option: 'name',
        message: 'name must be a non-empty string, got undefined',
      },
    });
    await listener.close();
    expect(await listener.accept()).toMatchObject({
      ok: false,
      error: { type: 'closed', message: `listener on memory name "${name}" is closed` },
    });
    if (first.ok) expect(await first.value.read()).toMatchObject({ ok: false, error: { type: 'reset' } });
  });

  it('closing a listener again after another took its name leaves the new one registered', async () => {
    const name = fresh();
    const old = await mustListen(name);
    await old.close();
    const current = await mustListen(name);
    await old.close();
    const dialed = await connect({ name });
    expect(dialed.ok).toBe(true);
    const accepted = await current.accept();
    expect(accepted.ok).toBe(true);
    if (dialed.ok) dialed.value.abort();
    if (accepted.ok) accepted.value.abort();
    await current.close();
  });
});

describe('connect: a hostile signal', () => {
  it('a signal whose aborted getter throws on a second look is invalid-option signal, not a throw', async () => {
    let looks = 0;
    const signal = {
      get aborted() {
        if (looks++ > 0) throw new Error('second look');
        return false;
      },
      addEventListener() {},
      removeEventListener() {},
    };
    const name = fresh();
    const listener = await mustListen(name);
    expect(await connect({ name, signal } as never)).toMatchObject({
      ok: false,
      error: {
        type: 'invalid-option',
        option: 'signal',
        message: 'signal could not be read: reading it threw',
      },
    });
    await listener.close();
  });
});
