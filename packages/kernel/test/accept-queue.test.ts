import { describe, expect, it } from 'vitest';
import { AcceptQueue } from '../src/index.js';
import { stubFlow } from './support.js';

describe('AcceptQueue', () => {
  it('hands flows to accept calls in arrival order, waiting ones first', async () => {
    const q = new AcceptQueue({ limit: 4, label: 'L' });
    const waiting = q.accept();
    const [a, b, c] = [stubFlow(), stubFlow(), stubFlow()];
    expect(q.push(a)).toBe(true);
    expect(await waiting).toEqual({ ok: true, value: a });
    q.push(b);
    q.push(c);
    expect(q.size).toBe(2);
    expect((await q.accept()).ok && b).toBe(b);
    expect(await q.accept()).toEqual({ ok: true, value: c });
  });

  it('refuses a push beyond the limit and leaves that flow alone', () => {
    const q = new AcceptQueue({ limit: 2, label: 'L' });
    const flows = [stubFlow(), stubFlow(), stubFlow()];
    expect(flows.map((f) => q.push(f))).toEqual([true, true, false]);
    expect(q.full).toBe(true);
    expect(flows[2]!.aborted).toBe(false);
  });

  it('is full only once it holds limit flows', async () => {
    const q = new AcceptQueue({ limit: 2, label: 'L' });
    expect(q.full).toBe(false);
    q.push(stubFlow());
    expect(q.full).toBe(false);
    q.push(stubFlow());
    expect(q.full).toBe(true);
    await q.accept();
    expect(q.full).toBe(false);
  });

  it('close aborts queued flows and answers pending and later accepts with closed', async () => {
    const q = new AcceptQueue({ limit: 4, label: '127.0.0.1:1' });
    const queued = stubFlow();
    q.push(queued);
    q.close();
    expect(queued.aborted).toBe(true);
    expect(await q.accept()).toMatchObject({ ok: false, error: { type: 'closed' } });
    const other = new AcceptQueue({ limit: 4, label: 'L' });
    const pending = other.accept();
    other.close();
    expect(await pending).toMatchObject({
      ok: false,
      error: { type: 'closed', message: 'listener on L is closed' },
    });
    expect(other.push(stubFlow())).toBe(false);
  });

  it('fail keeps queued flows acceptable, then returns the error', async () => {
    const q = new AcceptQueue({ limit: 4, label: 'L' });
    const f = stubFlow();
    q.push(f);
    q.fail({ type: 'io', message: 'broken' });
    expect(await q.accept()).toEqual({ ok: true, value: f });
    expect(await q.accept()).toMatchObject({ ok: false, error: { type: 'io' } });
  });

  it('for await yields flows and ends when the queue closes', async () => {
    const q = new AcceptQueue({ limit: 4, label: 'L' });
    const got: unknown[] = [];
    const loop = (async () => {
      for await (const f of q) got.push(f);
    })();
    const a = stubFlow();
    q.push(a);
    await new Promise((r) => setTimeout(r, 5));
    q.close();
    await loop;
    expect(got).toEqual([a]);
  });

  it('calls onAccept when a flow is handed out, not when it is queued', async () => {
    const seen: unknown[] = [];
    const q = new AcceptQueue({ limit: 4, label: 'L', onAccept: (f) => seen.push(f) });
    const f = stubFlow();
    q.push(f);
    expect(seen).toEqual([]);
    await q.accept();
    expect(seen).toEqual([f]);
  });

  it('refuses a limit that is not an integer ≥ 1', () => {
    expect(() => new AcceptQueue({ limit: 0, label: 'L' })).toThrow(TypeError);
  });
});
