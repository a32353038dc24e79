import { EOF } from '@flowkit/flow-types';
import { describe, expect, it } from 'vitest';
import { pair } from '../src/index.js';
import { concat, pattern, readChunks, settle, track } from './helpers.js';

const OK = { ok: true, value: undefined };

describe('closeWrite', () => {
  it('the remote reads every accepted write, also those still waiting for capacity, then EOF', async () => {
    const [a, b] = pair({ capacity: 8 });
    const writes = [
      a.write(pattern(6, 0)),
      a.writev([pattern(5, 6), pattern(700, 11)]),
      a.write(pattern(9, 711)),
    ];
    const ending = a.closeWrite();
    expect(concat(await readChunks(b))).toEqual(pattern(720));
    expect(await b.read()).toEqual({ ok: true, value: EOF });
    for (const w of await Promise.all(writes)) expect(w).toEqual(OK);
    expect(await ending).toEqual(OK);
  });

  it('resolves ok once end-of-stream is handed on, without the remote reading or closing', async () => {
    const [a, b] = pair({ capacity: 4 });
    await a.write(pattern(4));
    const waiting = track(a.write(pattern(4, 4)));
    const ending = track(a.closeWrite());
    await settle();
    // The flush needs room: the second write still waits, so does closeWrite.
    expect([waiting.done, ending.done]).toEqual([false, false]);
    const r = await b.read();
    expect(r.ok && r.value !== EOF && r.value.length).toBe(4);
    await settle();
    expect(waiting.value).toEqual(OK);
    expect(ending.value).toEqual(OK);
    // Handed on, not read: the remote still holds 4 bytes and the EOF.
    expect(a.queuedBytes).toBe(4);
    expect(b.state).toBe('read-done');
    expect(a.state).toBe('write-closed');
  });

  it('is idempotent: every call returns the same result, even after a later abort', async () => {
    const [a, b] = pair();
    const first = a.closeWrite();
    expect(a.closeWrite()).toBe(first);
    expect(await first).toEqual(OK);
    a.abort();
    expect(await a.closeWrite()).toEqual(OK);
    expect(a.closeWrite()).toBe(first);
    b.abort();
  });

  it('writes afterwards resolve closed, empty ones too', async () => {
    const [a, b] = pair();
    void a.closeWrite();
    expect(await a.write(pattern(1))).toMatchObject({ ok: false, error: { type: 'closed' } });
    expect(await a.writev([pattern(1)])).toMatchObject({ ok: false, error: { type: 'closed' } });
    expect(await a.write(new Uint8Array(0))).toMatchObject({ ok: false, error: { type: 'closed' } });
    expect(await b.read()).toEqual({ ok: true, value: EOF });
    b.abort();
  });

  it('reads go on until the remote EOF, which then makes both ends closed', async () => {
    const [a, b] = pair();
    expect(await a.closeWrite()).toEqual(OK);
    const reply = pattern(2000, 3);
    expect(await b.write(reply)).toEqual(OK);
    const r = await a.read();
    expect(r.ok && r.value).toBe(reply);
    const last = track(a.read());
    await settle();
    expect(last.done).toBe(false);
    expect(await b.closeWrite()).toEqual(OK);
    await settle();
    expect(last.value).toEqual({ ok: true, value: EOF });
    expect(await b.read()).toEqual({ ok: true, value: EOF });
    expect([a.state, b.state]).toEqual(['closed', 'closed']);
    // close() after both half-closes resolves at once.
    await Promise.all([a.close(), b.close()]);
  });

  it('closeWrite after the remote EOF is ok, and makes the connection closed', async () => {
    const [a, b] = pair();
    await b.closeWrite();
    expect(await a.read()).toEqual({ ok: true, value: EOF });
    expect(a.state).toBe('read-done');
    expect(await a.closeWrite()).toEqual(OK);
    expect([a.state, b.state]).toEqual(['closed', 'closed']);
    expect(await b.read()).toEqual({ ok: true, value: EOF });
  });

  it('closeWrite then abort: a flush still waiting resolves closed, the remote reads reset', async () => {
    const [a, b] = pair({ capacity: 1 });
    await a.write(pattern(1));
    const waiting = a.write(pattern(1));
    const ending = track(a.closeWrite());
    await settle();
    expect(ending.done).toBe(false);
    a.abort(new Error('gave up'));
    await settle();
    expect(ending.value).toMatchObject({ ok: false, error: { type: 'closed' } });
    expect(await waiting).toMatchObject({ ok: false, error: { type: 'closed' } });
    expect(await b.read()).toMatchObject({ ok: false, error: { type: 'reset' } });
    expect(a.closeWrite()).toBe(a.closeWrite());
  });

  it('closeWrite after abort resolves closed', async () => {
    const [a, b] = pair();
    a.abort();
    expect(await a.closeWrite()).toMatchObject({ ok: false, error: { type: 'closed' } });
    expect(await b.closeWrite()).toMatchObject({ ok: false, error: { type: 'reset' } });
  });

  it('the remote reset before the flush: resolves reset, not ok', async () => {
    const [a, b] = pair({ capacity: 1 });
    await a.write(pattern(1));
    void a.write(pattern(1));
    const ending = track(a.closeWrite());
    await settle();
    expect(ending.done).toBe(false);
    b.abort();
    await settle();
    expect(ending.value).toMatchObject({ ok: false, error: { type: 'reset' } });
  });

  it('a resetAfter fault before the flush is a reset too', async () => {
    const [a, b] = pair({ capacity: 10, faults: { resetAfter: 5 } });
    await a.write(pattern(10));
    void a.write(pattern(10));
    const ending = track(a.closeWrite());
    await settle();
    expect(ending.done).toBe(false);
    const r = await b.read();
    expect(r.ok && r.value !== EOF && r.value.length).toBe(5);
    await settle();
    expect(ending.value).toMatchObject({ ok: false, error: { type: 'reset', message: /resetAfter/ } });
  });

  it('under latency, resolves when end-of-stream is in flight, before the remote can see it', async () => {
    const [a, b] = pair({ faults: { latency: { ms: 40 } } });
    await a.write(pattern(3));
    expect(await a.closeWrite()).toEqual(OK);
    expect(b.state).toBe('open');
    const chunks = await readChunks(b);
    expect(concat(chunks)).toEqual(pattern(3));
    expect(b.state).toBe('read-done');
    b.abort();
  });
});

describe('close is closeWrite, then the wait for the remote', () => {
  it('close() performs the closeWrite: its result is ok, and the remote reads EOF', async () => {
    const [a, b] = pair();
    await a.write(pattern(3));
    const closing = track(a.close());
    expect(await a.closeWrite()).toEqual(OK);
    expect(concat(await readChunks(b))).toEqual(pattern(3));
    await settle();
    expect(closing.done).toBe(false);
    await b.close();
    await settle();
    expect(closing.done).toBe(true);
  });

  it('close() after closeWrite() waits for the remote, then resolves', async () => {
    const [a, b] = pair();
    await a.closeWrite();
    const closing = track(a.close());
    await settle();
    expect(closing.done).toBe(false);
    expect(await b.read()).toEqual({ ok: true, value: EOF });
    await b.closeWrite();
    await settle();
    expect(closing.done).toBe(true);
  });
});
