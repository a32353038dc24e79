import { EOF } from '@flowkit/flow-types';
import { pair } from '@flowkit/memory';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buffered, isBuffered, readAll, readExactly } from '../src/index.js';
import { patternBytes, readToEnd, settlesWithin, writeInPieces } from './support/bytes.js';
import { CountingFlow } from './support/counting.js';
import { testPair } from './support/pair.js';

describe('buffered', () => {
  it('returns pushed-back buffers first, newest first, then the inner flow', async () => {
    const [peer, raw] = testPair();
    const flow = buffered(raw);
    expect(buffered(flow)).toBe(flow);
    expect(isBuffered(flow)).toBe(true);
    expect(isBuffered(raw)).toBe(false);
    await peer.write(new Uint8Array([3]));
    flow.unread(new Uint8Array([2]));
    flow.unread(new Uint8Array([1]));
    flow.unread(new Uint8Array(0));
    expect(flow.buffered).toBe(2);
    void peer.close();
    expect(Array.from(await readToEnd(flow))).toEqual([1, 2, 3]);
    await flow.close();
  });

  it('drops pushed-back bytes on abort, as the flow drops its own', async () => {
    const [peer, raw] = testPair();
    const flow = buffered(raw);
    flow.unread(new Uint8Array([1]));
    flow.abort();
    expect(flow.buffered).toBe(0);
    expect((await flow.read()).ok).toBe(false);
    flow.unread(new Uint8Array([2])); // after abort: ignored
    expect(flow.buffered).toBe(0);
    expect((await flow.read()).ok).toBe(false);
    peer.abort();
  });

  it('never returns an empty buffer: unread of zero bytes is ignored', async () => {
    const [peer, raw] = testPair();
    const flow = buffered(raw);
    flow.unread(new Uint8Array(0));
    await peer.write(new Uint8Array([7]));
    const r = await flow.read();
    expect(r.ok && r.value !== EOF && Array.from(r.value)).toEqual([7]);
    peer.abort();
    flow.abort();
  });
});

describe('readExactly', () => {
  it('reads exactly n bytes across any chunking and keeps the rest (property)', async () => {
    // The memory pair re-chunks every write into random pieces (1 to maxChunk
    // bytes, each a separate read) and the writer runs concurrently with the
    // reads, so a readExactly regularly joins several reads. `joined` counts
    // the calls that did: the property is vacuous without them.
    let joined = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3_000 }),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 0, max: 1_000 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 64 }),
        fc.nat(),
        async (length, pieces, takes, maxChunk, seed) => {
          runs += 1;
          const data = patternBytes(length, seed);
          const [peer, raw] = pair({ capacity: 4096, faults: { seed, rechunk: { maxChunk } } });
          const counted = new CountingFlow(raw);
          const flow = buffered(counted);
          const writing = writeInPieces(peer, data, pieces).then(() => peer.close());
          let at = 0;
          for (const n of takes) {
            const before = counted.dataReads;
            const r = await readExactly(flow, n);
            if (counted.dataReads - before > 1) joined += 1;
            if (at + n <= data.byteLength) {
              expect(r.ok).toBe(true);
              if (r.ok) expect(r.value).toEqual(data.subarray(at, at + n));
              at += n;
            } else {
              expect(r.ok).toBe(false);
              if (!r.ok)
                expect(r.error).toMatchObject({ type: 'eof', received: data.byteLength - at, wanted: n });
            }
          }
          // Nothing was lost: the remainder reads back intact.
          expect(await readToEnd(flow)).toEqual(data.subarray(at));
          await Promise.all([writing, flow.close()]);
        },
      ),
      { numRuns: 60 },
    );
    expect(runs).toBe(60);
    // Three runs measured 95, 118 and 133 joins; with the pieces merged into
    // one read (as before the rechunk fault) 0 of 60 runs joined any.
    expect(joined).toBeGreaterThanOrEqual(60);
  });

  it('returns the very buffer (or a view of it) when one read is enough', async () => {
    const [peer, raw] = testPair();
    const flow = buffered(raw);
    const sent = new Uint8Array([1, 2, 3, 4]);
    await peer.write(sent);
    const r = await readExactly(flow, 3);
    expect(r.ok && r.value.buffer).toBe(sent.buffer);
    const rest = await flow.read();
    expect(rest.ok && rest.value !== EOF && Array.from(rest.value)).toEqual([4]);
    peer.abort();
    flow.abort();
  });

  it('rejects a bad n as invalid-option, without reading', async () => {
    const [peer, raw] = testPair();
    const flow = buffered(raw);
    for (const n of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      const r = await readExactly(flow, n);
      expect(!r.ok && r.error).toMatchObject({ type: 'invalid-option', option: 'n' });
    }
    const negative = await readExactly(flow, -1);
    expect(!negative.ok && negative.error.message).toBe('n must be an integer ≥ 0, got -1');
    const zero = await readExactly(flow, 0);
    expect(zero.ok && zero.value.byteLength).toBe(0);
    peer.abort();
    flow.abort();
  });

  it('on abort pushes back what it gathered; the flow stays usable', async () => {
    const [peer, raw] = testPair();
    const flow = buffered(raw);
    await peer.write(new Uint8Array([1, 2]));
    const ac = new AbortController();
    const pending = readExactly(flow, 5, { signal: ac.signal });
    expect(await settlesWithin(pending, 20)).toBe(false);
    ac.abort();
    const r = await pending;
    expect(!r.ok && r.error.type).toBe('aborted');
    await peer.write(new Uint8Array([3, 4, 5]));
    const again = await readExactly(flow, 5);
    expect(again.ok && Array.from(again.value)).toEqual([1, 2, 3, 4, 5]);
    peer.abort();
    flow.abort();
  });

  it('an already-fired signal: its own aborted error with the reason, nothing read', async () => {
    const [peer, raw] = testPair();
    const flow = buffered(raw);
    await peer.write(new Uint8Array([1, 2, 3]));
    const reason = new Error('not now');
    const r = await readExactly(flow, 2, { signal: AbortSignal.abort(reason) });
    expect(!r.ok && r.error).toMatchObject({
      type: 'aborted',
      message: 'readExactly was aborted by its signal',
      cause: reason,
    });
    const all = await readAll(flow, { limit: 10, signal: AbortSignal.abort(reason) });
    expect(!all.ok && all.error).toMatchObject({
      message: 'readAll was aborted by its signal',
      cause: reason,
    });
    // Nothing was consumed by either.
    const next = await flow.read();
    expect(next.ok && next.value !== EOF && Array.from(next.value)).toEqual([1, 2, 3]);
    peer.abort();
    flow.abort();
  });

  it('on a read error pushes back what it gathered, then the error repeats', async () => {
    const [peer, raw] = testPair();
    const flow = buffered(raw);
    await peer.write(new Uint8Array([1, 2]));
    const pending = readExactly(flow, 5);
    expect(await settlesWithin(pending, 20)).toBe(false);
    peer.abort();
    const r = await pending;
    expect(!r.ok && r.error.type).toBe('reset');
    const first = await flow.read();
    expect(first.ok && first.value !== EOF && Array.from(first.value)).toEqual([1, 2]);
    expect((await flow.read()).ok).toBe(false);
    flow.abort();
  });
});

describe('readAll', () => {
  it('returns everything up to EOF, for totals at and under the limit', async () => {
    const data = patternBytes(50_000, 9);
    const [peer, flow] = testPair(1 << 20);
    await writeInPieces(peer, data, [333, 4096]);
    void peer.close();
    const r = await readAll(flow, { limit: data.byteLength });
    expect(r.ok && r.value).toEqual(data);
    await flow.close();

    const [peer2, empty] = testPair();
    void peer2.close();
    const e = await readAll(empty, { limit: 0 });
    expect(e.ok && e.value.byteLength).toBe(0);
    await empty.close();
  });

  it('returns { type: "limit" } one byte past the limit, without reading on', async () => {
    const [peer, flow] = testPair(1 << 20);
    await peer.write(new Uint8Array(10));
    await peer.write(new Uint8Array(1));
    // The peer never closes: readAll must stop on the limit, not wait for EOF.
    const r = await readAll(flow, { limit: 10 });
    expect(!r.ok && r.error).toMatchObject({ type: 'limit', limit: 10 });
    peer.abort();
    flow.abort();
  });

  it('requires a limit: a type error, and invalid-option at run time', async () => {
    const [peer, flow] = testPair();
    // @ts-expect-error the limit is mandatory
    const none = await readAll(flow, {});
    expect(!none.ok && none.error).toMatchObject({ type: 'invalid-option', option: 'limit' });
    // @ts-expect-error the options object is mandatory too
    const missing = await readAll(flow);
    expect(!missing.ok && missing.error.type).toBe('invalid-option');
    for (const limit of [-1, 0.5, Number.NaN]) {
      const r = await readAll(flow, { limit });
      expect(!r.ok && r.error.message).toContain('limit');
    }
    peer.abort();
    flow.abort();
  });

  it('on abort gives the bytes back to a BufferedFlow', async () => {
    const [peer, raw] = testPair();
    const flow = buffered(raw);
    await peer.write(new Uint8Array([5, 6]));
    const ac = new AbortController();
    const pending = readAll(flow, { limit: 100, signal: ac.signal });
    expect(await settlesWithin(pending, 20)).toBe(false);
    ac.abort();
    expect((await pending).ok).toBe(false);
    void peer.close();
    expect(Array.from(await readToEnd(flow))).toEqual([5, 6]);
    await flow.close();
  });
});
