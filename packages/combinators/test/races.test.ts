import type { FlowError } from '@flowkit/flow-types';
import { pair } from '@flowkit/memory';
import { describe, expect, it } from 'vitest';
import { countingSignal } from '../../../tooling/testing/counting-signal.js';
import { buffered, chunks, copy, FlowkitError, readAll, toWebStreams } from '../src/index.js';
import { sleep } from './support/bytes.js';
import { heldFlow } from './support/held-flow.js';

const reset: FlowError = { type: 'reset', message: 'connection reset by peer' };

describe('a read error that lands after the caller’s abort is reported as itself', () => {
  // The caller's signal fires while a read waits; the flow (which does not
  // look at the signal) then answers with a reset. That reset is news about
  // the flow, not the caller's own abort coming back.
  it('chunks throws the reset', async () => {
    const flow = heldFlow();
    const s = countingSignal();
    const it = chunks(flow, { signal: s.signal });
    const next = it.next().then(
      () => undefined,
      (e: unknown) => e,
    );
    await sleep(0);
    s.fire('stop');
    flow.answer({ ok: false, error: reset });
    const e = await next;
    expect(e).toBeInstanceOf(FlowkitError);
    expect((e as FlowkitError).error).toBe(reset);
  });

  it('copy reports it as a read failure', async () => {
    const src = heldFlow();
    const [dst, dstPeer] = pair();
    const s = countingSignal();
    const copying = copy(src, dst, { signal: s.signal });
    await sleep(0);
    s.fire('stop');
    src.answer({ ok: false, error: reset });
    const r = await copying;
    expect(!r.ok && r.error).toMatchObject({ type: 'read', error: reset });
    dst.abort();
    dstPeer.abort();
  });
});

describe('chunks after its caller aborted', () => {
  it('throws the aborted error once, then is done', async () => {
    const [peer, flow] = pair();
    const s = countingSignal();
    const it = chunks(flow, { signal: s.signal });
    s.fire('enough');
    await expect(it.next()).rejects.toMatchObject({ error: { type: 'aborted', cause: 'enough' } });
    expect(await it.next()).toEqual({ done: true, value: undefined });
    peer.abort();
    flow.abort();
  });
});

describe('readAll on a plain flow', () => {
  it('resolves a read error after some bytes (no pushback to attempt), never rejects', async () => {
    const [peer, flow] = pair();
    await peer.write(new Uint8Array(10));
    const reading = readAll(flow, { limit: 100 });
    await sleep(0);
    peer.abort();
    const r = await reading;
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.type).toBe('reset');
    flow.abort();
  });
});

describe('toWebStreams: readable.cancel() while a flow read is pending', () => {
  it('cancels that read, so the flow’s next bytes go to the next flow.read()', async () => {
    const [peer, flow] = pair();
    const { readable } = toWebStreams(flow, { readableHighWaterMark: 0 });
    const reader = readable.getReader();
    const pending = reader.read();
    // Let pull() start its flow.read(): now a read is really waiting in the flow.
    await sleep(0);
    await reader.cancel('done with it');
    expect((await pending).done).toBe(true);
    await peer.write(new Uint8Array([7, 8, 9]));
    expect(await flow.read()).toEqual({ ok: true, value: new Uint8Array([7, 8, 9]) });
    peer.abort();
    flow.abort();
  });

  it('a chunk that lands as the stream is cancelled goes back into a BufferedFlow', async () => {
    const inner = heldFlow();
    const flow = buffered(inner);
    const { readable } = toWebStreams(flow, { readableHighWaterMark: 0 });
    const reader = readable.getReader();
    const pending = reader.read();
    await sleep(0);
    expect(inner.waiting).toBe(1);
    const cancelling = reader.cancel();
    inner.answer({ ok: true, value: new Uint8Array([1, 2, 3]) });
    await cancelling;
    expect((await pending).done).toBe(true);
    await sleep(0);
    expect(flow.buffered).toBe(3);
    expect(await flow.read()).toEqual({ ok: true, value: new Uint8Array([1, 2, 3]) });
  });
});

describe('copy after an ordinary read error that carries a system code', () => {
  // Only a flow that broke its contract (code ERR_FLOW_BROKEN) makes copy
  // abort both flows; an ECONNRESET leaves them to the caller, as documented.
  it('leaves dst open: the caller can still write to it', async () => {
    const src = heldFlow();
    const [dst, dstPeer] = pair();
    const copying = copy(src, dst);
    await sleep(0);
    src.answer({ ok: false, error: { ...reset, code: 'ECONNRESET' } });
    const r = await copying;
    expect(!r.ok && r.error).toMatchObject({ type: 'read', error: { code: 'ECONNRESET' } });
    expect(await dst.write(new Uint8Array([1]))).toEqual({ ok: true, value: undefined });
    expect(await dstPeer.read()).toEqual({ ok: true, value: new Uint8Array([1]) });
    dst.abort();
    dstPeer.abort();
  });
});
