import { EOF } from '@flowkit/flow-types';
import { pair } from '@flowkit/memory';
import { describe, expect, it } from 'vitest';
import { chunks, FlowkitError } from '../src/index.js';
import { concatBytes, firstDifference, patternBytes, settlesWithin, writeInPieces } from './support/bytes.js';
import { collect } from './support/collect.js';
import { testPair } from './support/pair.js';

describe('chunks', () => {
  it('yields the flow’s buffers in order (the very objects) and ends at EOF', async () => {
    const [peer, flow] = testPair();
    // ≥ 1 KiB each: the memory pair merges smaller queued writes into one read.
    const sent = [patternBytes(1024, 1), patternBytes(2048, 2), patternBytes(4096, 3)];
    for (const b of sent) await peer.write(b);
    void peer.close();
    const got = await collect(chunks(flow), 100);
    expect(got).toHaveLength(3);
    for (const [i, c] of got.entries()) expect(c).toBe(sent[i]);
    await flow.close();
  });

  it('throws a FlowkitError carrying the typed error on a read error', async () => {
    const [peer, flow] = testPair();
    await peer.write(new Uint8Array([1]));
    const seen: number[] = [];
    const loop = (async () => {
      for await (const c of chunks(flow)) {
        seen.push(c.byteLength);
        peer.abort();
      }
    })();
    const failure = await loop.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(FlowkitError);
    expect((failure as FlowkitError).error.type).toBe('reset');
    expect(seen).toEqual([1]);
    flow.abort();
  });

  it('breaking out leaves the flow usable, with no byte lost', async () => {
    // 6 writes of 1,000 bytes, re-chunked into reads of at most 700 bytes, all
    // queued before the loop starts: when it breaks after its first chunk,
    // most of the data is still waiting in the flow.
    const [peer, flow] = pair({ capacity: 1 << 20, faults: { seed: 11, rechunk: { maxChunk: 700 } } });
    const data = patternBytes(6_000, 5);
    await writeInPieces(peer, data, [1_000]);
    const taken: Uint8Array[] = [];
    for await (const c of chunks(flow)) {
      taken.push(c);
      break;
    }
    const first = concatBytes(taken);
    expect(first.byteLength).toBeGreaterThan(0);
    expect(first.byteLength).toBeLessThanOrEqual(700);
    void peer.close();
    const rest = await collect(chunks(flow), 100);
    const all = concatBytes([...taken, ...rest]);
    expect(all.byteLength).toBe(6_000);
    expect(firstDifference(all, data)).toBe(-1);
    await flow.close();
  });

  it('return() during a waiting read cancels it without losing the next bytes', async () => {
    const [peer, flow] = testPair();
    const it1 = chunks(flow);
    const waiting = it1.next();
    expect(await settlesWithin(waiting, 20)).toBe(false);
    await it1.return?.();
    expect(await waiting).toEqual({ done: true, value: undefined });
    await peer.write(new Uint8Array([9]));
    const r = await flow.read();
    expect(r.ok && r.value !== EOF && Array.from(r.value)).toEqual([9]);
    peer.abort();
    flow.abort();
  });

  it('stops on its signal with an aborted FlowkitError; the flow stays usable', async () => {
    const [peer, flow] = testPair();
    const ac = new AbortController();
    const it1 = chunks(flow, { signal: ac.signal });
    const waiting = it1.next();
    ac.abort();
    const e = await waiting.then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e instanceof FlowkitError && e.error.type).toBe('aborted');
    await peer.write(new Uint8Array([7]));
    const r = await flow.read();
    expect(r.ok && r.value !== EOF && r.value[0]).toBe(7);
    peer.abort();
    flow.abort();
  });

  it('tells its caller’s signal from a read that the flow itself aborted', async () => {
    // The caller's signal: chunks' own aborted error, carrying the reason.
    const [peer, flow] = testPair();
    const ac = new AbortController();
    const reason = new Error('caller stops');
    const it1 = chunks(flow, { signal: ac.signal });
    const waiting = it1.next();
    ac.abort(reason);
    const byCaller = await waiting.then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(byCaller instanceof FlowkitError && byCaller.error).toMatchObject({
      type: 'aborted',
      message: 'chunks was aborted by its signal',
      cause: reason,
    });
    // An already-fired signal: the same error at the first next(), no read.
    const fired = chunks(flow, { signal: AbortSignal.abort(reason) });
    const early = await fired.next().then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(early instanceof FlowkitError && early.error.message).toBe('chunks was aborted by its signal');

    // flow.abort(): the flow's own error, passed through as it is.
    const it2 = chunks(flow, { signal: new AbortController().signal });
    const pending = it2.next();
    flow.abort(new Error('local abort'));
    const byFlow = await pending.then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(byFlow).toBeInstanceOf(FlowkitError);
    expect((byFlow as FlowkitError).error.type).toBe('aborted');
    expect((byFlow as FlowkitError).error.message).not.toBe('chunks was aborted by its signal');
    peer.abort();
  });

  it('a bad option is a TypeError at the call that names it, not a failure at the first next()', () => {
    const [peer, flow] = testPair();
    expect(() => chunks(flow, { signal: 'soon' as never })).toThrow(
      new TypeError('chunks: signal must be an AbortSignal, got "soon"'),
    );
    expect(() => chunks(flow, 5 as never)).toThrow(new TypeError('chunks: options must be an object, got 5'));
    peer.abort();
    flow.abort();
  });
});
