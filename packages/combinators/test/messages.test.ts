import type { FlowError } from '@flowkit/flow-types';
import { pair } from '@flowkit/memory';
import { describe, expect, it } from 'vitest';
import { buffered, chunks, copy, proxy, readAll, readExactly, toWebStreams } from '../src/index.js';
import { sleep } from './support/bytes.js';

// What each error says, in full: a message is what a user reads in a log.
describe('error messages', () => {
  it('copy: aborted by its signal', async () => {
    const [srcPeer, src] = pair();
    const [dst, dstPeer] = pair();
    const r = await copy(src, dst, { signal: AbortSignal.abort('stop') });
    expect(!r.ok && r.error.message).toBe('copy was aborted by its signal');
    for (const f of [srcPeer, src, dst, dstPeer]) f.abort();
  });

  it('readAll: a missing limit, and one passed', async () => {
    const [peer, flow] = pair();
    const missing = await readAll(flow, {} as never);
    expect(!missing.ok && missing.error).toMatchObject({
      type: 'invalid-option',
      option: 'limit',
    });
    expect(!missing.ok && missing.error.message).toContain(
      'is required: the most bytes to accept, an integer ≥ 0',
    );
    await peer.write(new Uint8Array(5));
    const over = await readAll(flow, { limit: 4 });
    expect(!over.ok && over.error).toEqual({
      type: 'limit',
      message: 'readAll: the flow sent more than the limit of 4 bytes',
      limit: 4,
    });
    peer.abort();
    flow.abort();
  });

  it('readExactly: the flow ended early', async () => {
    const [peer, flow] = pair();
    await peer.write(new Uint8Array(3));
    void peer.closeWrite();
    const r = await readExactly(buffered(flow), 8);
    expect(!r.ok && r.error).toEqual({
      type: 'eof',
      message: 'readExactly: the flow ended after 3 of 8 bytes',
      received: 3,
      wanted: 8,
    });
    peer.abort();
    flow.abort();
  });

  it('chunks and toWebStreams: the TypeError for a bad option carries the invalid-option error as cause', () => {
    const [peer, flow] = pair();
    let thrown: unknown;
    try {
      chunks(flow, { signal: 'soon' as never });
    } catch (e) {
      thrown = e;
    }
    expect((thrown as TypeError).cause).toMatchObject({ type: 'invalid-option', option: 'signal' });
    try {
      toWebStreams(flow, { readableHighWaterMark: -1 });
    } catch (e) {
      thrown = e;
    }
    expect((thrown as TypeError).cause).toMatchObject({
      type: 'invalid-option',
      option: 'readableHighWaterMark',
    });
    peer.abort();
    flow.abort();
  });
});

describe('proxy’s error', () => {
  it('carries what each direction had copied when it stopped', async () => {
    const [a, aPeer] = pair();
    const [b, bPeer] = pair();
    const relaying = proxy(a, b);
    await aPeer.write(new Uint8Array(6));
    expect(await bPeer.read()).toEqual({ ok: true, value: new Uint8Array(6) });
    await sleep(0);
    const reset: FlowError = { type: 'reset', message: 'gone' };
    aPeer.abort(reset);
    const r = await relaying;
    expect(r.ok).toBe(false);
    const e = !r.ok && r.error.type === 'proxy' ? r.error : undefined;
    expect(e?.stats.aToB).toMatchObject({ bytes: 6, chunks: 1 });
    expect(e?.stats.bToA).toMatchObject({ bytes: 0, chunks: 0 });
    bPeer.abort();
  });
});
