import { EOF, type Flow, ok } from '@flowkit/flow-types';
import { describe, expect, it } from 'vitest';
import { fromNodeDuplex, toNodeDuplex } from '../src/index.js';
import { ManualDuplex, settled, tick } from './helpers.js';

describe('SocketFlow: close waits for its own flush', () => {
  it('close() does not release the duplex while our end-of-stream is still flushing', async () => {
    const duplex = new ManualDuplex();
    duplex.autoComplete = false;
    const flow = fromNodeDuplex(duplex);
    void flow.write(new Uint8Array(32));
    const cw = flow.closeWrite();
    duplex.push(null);
    expect(await flow.read()).toEqual({ ok: true, value: EOF });
    const closing = flow.close();
    expect(await settled(closing)).toBe(false);
    expect(duplex.destroyed).toBe(false);
    expect(flow.state).toBe('closed');
    duplex.release();
    expect(await cw).toEqual({ ok: true, value: undefined });
    await closing;
    expect(duplex.destroyed).toBe(true);
    expect(flow.state).toBe('closed');
  });

  it('an abort without a reason gives reads an error with no cause property', async () => {
    const flow = fromNodeDuplex(new ManualDuplex(), { label: 'nc' });
    flow.abort();
    const r = await flow.read();
    expect(r.ok).toBe(false);
    expect(r.ok ? undefined : Object.keys(r.error).sort()).toEqual(['message', 'type']);
  });
});

describe('toNodeDuplex over a flow without closeWrite (pre-v2)', () => {
  it("end() closes the flow and emits 'finish' without an error", async () => {
    const calls: string[] = [];
    const flow = {
      read: () => new Promise(() => {}),
      write: async () => ok(),
      writev: async () => ok(),
      close: async () => {
        calls.push('close');
      },
      abort: () => {
        calls.push('abort');
      },
    } as unknown as Flow;
    const duplex = toNodeDuplex(flow);
    const errors: unknown[] = [];
    duplex.on('error', (e) => errors.push(e));
    const finished = new Promise((resolve) => duplex.once('finish', resolve));
    duplex.end();
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      finished.then(() => 'finish'),
      new Promise((resolve) => {
        timer = setTimeout(resolve, 1000, 'no finish');
      }),
    ]);
    clearTimeout(timer);
    expect(outcome).toBe('finish');
    await tick();
    expect(errors).toEqual([]);
    expect(calls).toEqual(['close']);
    duplex.destroy();
  });
});
