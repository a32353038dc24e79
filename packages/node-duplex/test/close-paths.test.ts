import { EOF } from '@flowkit/flow-types';
import { describe, expect, it } from 'vitest';
import { DEFAULT_READ_HIGH_WATER_MARK, fromNodeDuplex } from '../src/index.js';
import { ManualDuplex, settled, tick } from './helpers.js';

const text = (r: { ok: boolean; value?: unknown }): string =>
  r.ok && r.value instanceof Uint8Array ? new TextDecoder().decode(r.value) : String(r.ok);

describe('close and abort paths', () => {
  it('close() after abort() resolves at once and leaves the duplex to the reset hook', async () => {
    const duplex = new ManualDuplex();
    let resets = 0;
    // A reset hook that does not destroy: close() must not destroy it either.
    const flow = fromNodeDuplex(duplex, { hooks: { reset: () => void resets++ } });
    flow.abort();
    flow.abort(new Error('again'));
    expect(resets).toBe(1);
    expect(await settled(flow.close())).toBe(true);
    expect(duplex.destroyed).toBe(false);
    duplex.destroy();
  });

  it('a second abort() keeps the first reason', async () => {
    const flow = fromNodeDuplex(new ManualDuplex(), { label: 'twice' });
    const first = new Error('first');
    flow.abort(first);
    flow.abort(new Error('second'));
    const r = await flow.read();
    expect(r).toEqual({
      ok: false,
      error: { type: 'aborted', message: 'flow to twice was aborted', cause: first },
    });
    const w = await flow.write(new Uint8Array([1]));
    expect(!w.ok && w.error.cause).toBe(first);
  });

  it('close({ signal }) after close resolved does not abort: data read before stays readable', async () => {
    const duplex = new ManualDuplex();
    const flow = fromNodeDuplex(duplex);
    duplex.push(Buffer.from('kept'));
    duplex.push(null);
    await flow.close();
    await flow.close({ signal: AbortSignal.abort(new Error('late')) });
    expect(text(await flow.read())).toBe('kept');
    expect(await flow.read()).toEqual({ ok: true, value: EOF });
  });

  it('close() with a bad signal throws a TypeError naming close', () => {
    const flow = fromNodeDuplex(new ManualDuplex());
    expect(() => flow.close({ signal: 5 as unknown as AbortSignal })).toThrow(
      new TypeError('close: options.signal must be an AbortSignal, got 5'),
    );
    flow.abort();
  });

  it('the duplex closing after our FIN but before the remote end fails the read half with an io error', async () => {
    const duplex = new ManualDuplex();
    const flow = fromNodeDuplex(duplex, { label: 'half' });
    expect(await flow.closeWrite()).toEqual({ ok: true, value: undefined });
    const pending = flow.read();
    duplex.destroy();
    expect(await pending).toEqual({
      ok: false,
      error: { type: 'io', message: 'connection to half was closed before end-of-stream' },
    });
    expect(flow.state).toBe('closed');
    // closeWrite had succeeded: it stays ok.
    expect(await flow.closeWrite()).toEqual({ ok: true, value: undefined });
  });

  it('a duplex ended by someone else: its flush counts, closeWrite is ok, no failure', async () => {
    const duplex = new ManualDuplex();
    const flow = fromNodeDuplex(duplex, { label: 'ext' });
    duplex.push(Buffer.from('x'));
    duplex.push(null);
    duplex.end();
    await new Promise((resolve) => duplex.once('close', resolve));
    expect(flow.state).toBe('closed');
    expect(await flow.closeWrite()).toEqual({ ok: true, value: undefined });
    expect(text(await flow.read())).toBe('x');
    expect(await flow.read()).toEqual({ ok: true, value: EOF });
  });

  it('a duplex whose read side ended before adoption starts read-done and reads EOF', async () => {
    const duplex = new ManualDuplex();
    duplex.push(null);
    duplex.resume();
    await tick();
    expect(duplex.readableEnded).toBe(true);
    const flow = fromNodeDuplex(duplex);
    expect(flow.state).toBe('read-done');
    expect(await flow.read()).toEqual({ ok: true, value: EOF });
    await flow.close();
    expect(flow.state).toBe('closed');
  });
});

describe('read backpressure', () => {
  it('stays paused while a read leaves the queue at or above the mark', async () => {
    const duplex = new ManualDuplex();
    const flow = fromNodeDuplex(duplex, { readHighWaterMark: 4 });
    duplex.push(Buffer.alloc(1));
    duplex.push(Buffer.alloc(5));
    await tick();
    expect(duplex.isPaused()).toBe(true);
    const first = await flow.read();
    expect(first.ok && first.value !== EOF && first.value.length).toBe(1);
    expect(duplex.isPaused()).toBe(true);
    await flow.read();
    expect(duplex.isPaused()).toBe(false);
    flow.abort();
  });

  it('the default mark is 64 KiB: below it the duplex keeps flowing, at it it pauses', async () => {
    expect(DEFAULT_READ_HIGH_WATER_MARK).toBe(65536);
    const duplex = new ManualDuplex();
    const flow = fromNodeDuplex(duplex);
    duplex.push(Buffer.alloc(65535));
    await tick();
    expect(duplex.isPaused()).toBe(false);
    duplex.push(Buffer.alloc(1));
    await tick();
    expect(duplex.isPaused()).toBe(true);
    flow.abort();
  });
});
