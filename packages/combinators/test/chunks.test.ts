import { EOF } from '@flowkit/flow-types';
import { describe, expect, it } from 'vitest';
import { chunks, FlowkitError } from '../src/index.js';
import { patternBytes, settlesWithin, writeInPieces } from './support/bytes.js';
import { testPair } from './support/pair.js';

describe('chunks', () => {
  it('yields the flow’s buffers in order (the very objects) and ends at EOF', async () => {
    const [peer, flow] = testPair();
    // ≥ 1 KiB each: the memory pair merges smaller queued writes into one read.
    const sent = [patternBytes(1024, 1), patternBytes(2048, 2), patternBytes(4096, 3)];
    for (const b of sent) await peer.write(b);
    void peer.close();
    const got: Uint8Array[] = [];
    for await (const c of chunks(flow)) got.push(c);
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
    const [peer, flow] = testPair(1 << 20);
    const data = patternBytes(1000, 5);
    await writeInPieces(peer, data, [100]);
    let taken = 0;
    for await (const c of chunks(flow)) {
      taken += c.byteLength;
      if (taken >= 300) break;
    }
    void peer.close();
    let rest = 0;
    for await (const c of chunks(flow)) rest += c.byteLength;
    expect(taken + rest).toBe(1000);
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
});
