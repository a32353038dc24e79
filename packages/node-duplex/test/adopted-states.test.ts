import { EOF } from '@flowkit/flow-types';
import { describe, expect, it } from 'vitest';
import { fromNodeDuplex } from '../src/index.js';
import { ManualDuplex, settled, tick } from './helpers.js';

const one = new Uint8Array([1]);

// What a flow reports when it adopts a Duplex that is not fresh: already
// destroyed, already finished writing, or still flushing an end().
describe('fromNodeDuplex over a Duplex that is not fresh', () => {
  it('a destroyed Duplex: state closed, read io error, write closed naming why, close resolves', async () => {
    const duplex = new ManualDuplex();
    duplex.destroy();
    await tick();
    const flow = fromNodeDuplex(duplex, { label: 'gone' });
    expect(flow.state).toBe('closed');
    const r = await flow.read();
    expect(r).toEqual({
      ok: false,
      error: { type: 'io', message: 'connection to gone was closed before end-of-stream' },
    });
    const w = await flow.write(one);
    expect(w.ok).toBe(false);
    expect(!w.ok && w.error.type).toBe('closed');
    expect(!w.ok && w.error.message).toBe(
      'flow to gone can no longer send: connection to gone was closed before end-of-stream',
    );
    const cw = await flow.closeWrite();
    expect(!cw.ok && cw.error.message).toBe(
      'flow to gone can no longer send: connection to gone was closed before end-of-stream',
    );
    expect(await settled(flow.close())).toBe(true);
  });

  it('a Duplex that already finished writing: write-closed, writes closed, closeWrite ok at once', async () => {
    const duplex = new ManualDuplex();
    duplex.end();
    await tick();
    expect(duplex.writableFinished).toBe(true);
    const flow = fromNodeDuplex(duplex, { label: 'done' });
    expect(flow.state).toBe('write-closed');
    const w = await flow.write(one);
    expect(w).toEqual({
      ok: false,
      error: { type: 'closed', message: 'flow to done is closed for writing' },
    });
    const wv = await flow.writev([one, one]);
    expect(wv).toEqual({
      ok: false,
      error: { type: 'closed', message: 'flow to done is closed for writing' },
    });
    const cw = flow.closeWrite();
    expect(await settled(cw)).toBe(true);
    expect(await cw).toEqual({ ok: true, value: undefined });
    // Reads still work until the remote's end.
    duplex.push(Buffer.from('x'));
    const r = await flow.read();
    expect(r.ok && r.value !== EOF && r.value.length).toBe(1);
    duplex.push(null);
    const closing = flow.close();
    expect(await flow.read()).toEqual({ ok: true, value: EOF });
    await closing;
    expect(flow.state).toBe('closed');
  });

  it('a Duplex still flushing its end(): write-closed, writes closed, closeWrite waits for the flush', async () => {
    const duplex = new ManualDuplex();
    duplex.autoComplete = false;
    duplex.write(Buffer.from('pending'));
    duplex.end();
    await tick();
    expect(duplex.writableEnded && !duplex.writableFinished).toBe(true);
    const flow = fromNodeDuplex(duplex, { label: 'ending' });
    expect(flow.state).toBe('write-closed');
    const w = await flow.write(one);
    expect(w).toEqual({
      ok: false,
      error: { type: 'closed', message: 'flow to ending is closed for writing' },
    });
    const cw = flow.closeWrite();
    expect(await settled(cw)).toBe(false);
    expect(flow.closeWrite()).toBe(cw);
    duplex.release();
    expect(await cw).toEqual({ ok: true, value: undefined });
    expect(flow.state).toBe('write-closed');
    // The remote's end then closes the flow.
    duplex.push(null);
    await flow.close();
    expect(flow.state).toBe('closed');
  });

  it('a Duplex still flushing its end() that is then destroyed: write half fails, closeWrite gets the io error', async () => {
    const duplex = new ManualDuplex();
    duplex.autoComplete = false;
    duplex.write(Buffer.from('pending'));
    duplex.end();
    const flow = fromNodeDuplex(duplex, { label: 'cut' });
    const cw = flow.closeWrite();
    duplex.destroy();
    const result = await cw;
    expect(result).toEqual({
      ok: false,
      error: { type: 'io', message: 'connection to cut was closed before end-of-stream' },
    });
    expect(flow.state).toBe('closed');
  });
});

describe('abort messages', () => {
  it('without a reason: reads aborted and writes closed, both "flow to <label> was aborted", no cause', async () => {
    const flow = fromNodeDuplex(new ManualDuplex(), { label: 'L' });
    flow.abort();
    expect(await flow.read()).toEqual({
      ok: false,
      error: { type: 'aborted', message: 'flow to L was aborted' },
    });
    const w = await flow.write(one);
    expect(w).toEqual({ ok: false, error: { type: 'closed', message: 'flow to L was aborted' } });
    expect('cause' in (w.ok ? {} : w.error)).toBe(false);
    expect(flow.state).toBe('closed');
  });

  it('with a reason: the reason is the cause of both errors', async () => {
    const flow = fromNodeDuplex(new ManualDuplex(), { label: 'L' });
    const reason = new Error('because');
    flow.abort(reason);
    const r = await flow.read();
    expect(r).toEqual({
      ok: false,
      error: { type: 'aborted', message: 'flow to L was aborted', cause: reason },
    });
    const w = await flow.write(one);
    expect(w).toEqual({
      ok: false,
      error: { type: 'closed', message: 'flow to L was aborted', cause: reason },
    });
    const cw = await flow.closeWrite();
    expect(cw).toEqual({
      ok: false,
      error: { type: 'closed', message: 'flow to L was aborted', cause: reason },
    });
  });

  it('a pending closeWrite resolves with the abort error; a pending write too', async () => {
    const duplex = new ManualDuplex(1);
    duplex.autoComplete = false;
    const flow = fromNodeDuplex(duplex, { label: 'P' });
    const w = flow.write(new Uint8Array(8));
    const cw = flow.closeWrite();
    expect(await settled(cw)).toBe(false);
    flow.abort();
    const closed = { ok: false, error: { type: 'closed', message: 'flow to P was aborted' } };
    expect(await w).toEqual(closed);
    expect(await cw).toEqual(closed);
    expect(duplex.destroyed).toBe(true);
  });

  it('after a failure, writes keep the failure as their reason', async () => {
    const duplex = new ManualDuplex();
    const flow = fromNodeDuplex(duplex, {
      label: 'F',
      hooks: { mapError: (e) => ({ type: 'reset', message: (e as Error).message }) },
    });
    duplex.destroy(new Error('boom'));
    await tick();
    const failed = await flow.write(one);
    expect(failed).toEqual({
      ok: false,
      error: {
        type: 'closed',
        message: 'flow to F can no longer send: boom',
        cause: { type: 'reset', message: 'boom' },
      },
    });
    expect(await flow.closeWrite()).toEqual(failed);
    flow.abort(new Error('later'));
    expect(await flow.write(one)).toEqual(failed);
    // abort wins for reads
    const r = await flow.read();
    expect(!r.ok && r.error.type).toBe('reset');
  });

  it('the default reset destroys a non-socket Duplex with "flow aborted"', async () => {
    const duplex = new ManualDuplex();
    const errors: unknown[] = [];
    duplex.on('error', (e) => errors.push(e));
    const flow = fromNodeDuplex(duplex);
    flow.abort();
    await tick();
    expect(duplex.destroyed).toBe(true);
    expect((errors[0] as Error | undefined)?.message).toBe('flow aborted');
  });

  it('a custom reset hook is used, and not called on a Duplex already destroyed', async () => {
    const calls: unknown[] = [];
    const duplex = new ManualDuplex();
    const flow = fromNodeDuplex(duplex, {
      hooks: {
        reset: (d) => {
          calls.push(d);
          d.destroy();
        },
      },
    });
    flow.abort();
    expect(calls).toEqual([duplex]);
    const gone = new ManualDuplex();
    gone.destroy();
    await tick();
    const flow2 = fromNodeDuplex(gone, { hooks: { reset: (d) => calls.push(d) } });
    flow2.abort();
    expect(calls).toEqual([duplex]);
  });
});

describe('the lazily computed description', () => {
  type Addr = { n: number };
  it('describe runs once, not at creation, and supplies both addresses and the label', async () => {
    const seen: unknown[] = [];
    const duplex = new ManualDuplex();
    const options = {
      describe: (d: unknown, o: unknown) => {
        seen.push([d, o]);
        return { localAddress: { n: 1 }, remoteAddress: { n: 2 }, label: 'described' };
      },
    };
    const flow = fromNodeDuplex<Addr>(duplex, options);
    expect(seen).toHaveLength(0);
    expect(flow.label).toBe('described');
    expect(flow.localAddress).toEqual({ n: 1 });
    expect(flow.remoteAddress).toEqual({ n: 2 });
    expect(seen).toEqual([[duplex, options]]);
    flow.abort();
    expect((await flow.read()).ok).toBe(false);
    const r = await flow.read();
    expect(!r.ok && r.error.message).toBe('flow to described was aborted');
    expect(seen).toHaveLength(1);
  });

  it('describe is taken when data first arrives, so a later change of the duplex does not matter', async () => {
    let n = 0;
    const duplex = new ManualDuplex();
    const flow = fromNodeDuplex<Addr>(duplex, {
      describe: () => {
        n++;
        return { localAddress: { n }, remoteAddress: { n }, label: `d${n}` };
      },
    });
    expect(n).toBe(0);
    duplex.push(Buffer.from('a'));
    await tick();
    expect(n).toBe(1);
    expect(flow.remoteAddress).toEqual({ n: 1 });
    expect(flow.label).toBe('d1');
    expect(n).toBe(1);
    flow.abort();
  });

  it('describe is taken on the remote end even when nothing was read', async () => {
    let n = 0;
    const duplex = new ManualDuplex();
    const flow = fromNodeDuplex<Addr>(duplex, {
      describe: () => {
        n++;
        return { localAddress: { n }, remoteAddress: { n }, label: 'e' };
      },
    });
    const r = flow.read();
    expect(n).toBe(0);
    duplex.push(null);
    expect(await r).toEqual({ ok: true, value: EOF });
    expect(n).toBe(1);
    expect(flow.label).toBe('e');
    expect(n).toBe(1);
    flow.abort();
  });

  it('a given label wins over describe, and static addresses are used without describe', () => {
    const flow = fromNodeDuplex<Addr>(new ManualDuplex(), {
      label: 'given',
      describe: () => ({ localAddress: { n: 1 }, remoteAddress: { n: 2 }, label: 'described' }),
    });
    expect(flow.label).toBe('given');
    expect(flow.localAddress).toEqual({ n: 1 });
    flow.abort();
    const plain = fromNodeDuplex<Addr>(new ManualDuplex(), {
      localAddress: { n: 5 },
      remoteAddress: { n: 6 },
    });
    expect(plain.label).toBe('the peer');
    expect(plain.localAddress).toEqual({ n: 5 });
    expect(plain.remoteAddress).toEqual({ n: 6 });
    plain.abort();
  });
});
