import { EOF } from '@flowkit/flow-types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copy } from '../src/index.js';
import {
  firstDifference,
  patternBytes,
  readToEnd,
  settlesWithin,
  sleep,
  writeInPieces,
} from './support/bytes.js';
import { withCloseWrite } from './support/half-close.js';
import { testPair } from './support/pair.js';

/** src ⇄ srcPeer, dst ⇄ dstPeer: copy(src, dst) relays srcPeer's bytes to dstPeer. */
function setup(capacity = 65_536) {
  const [srcPeer, src] = testPair(capacity);
  const [dst, dstPeer] = testPair(capacity);
  return { srcPeer, src, dst, dstPeer };
}

describe('copy', () => {
  it('copies every byte in order, counts them, then half-closes dst', async () => {
    const { srcPeer, src, dst, dstPeer } = setup();
    const data = patternBytes(300_000, 7);
    const writing = writeInPieces(srcPeer, data, [1, 1000, 65_536, 7, 4096]).then(() => srcPeer.close());
    const [result, received] = await Promise.all([copy(src, dst), readToEnd(dstPeer)]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(firstDifference(received, data)).toBe(-1);
    expect(result.value.bytes).toBe(data.byteLength);
    expect(result.value.chunks).toBeGreaterThan(1);
    expect(result.value.durationMs).toBeGreaterThanOrEqual(0);
    // dstPeer read EOF, so dst was half-closed; its other direction still works.
    const back = await dstPeer.write(new Uint8Array([42]));
    expect(back.ok).toBe(true);
    const r = await dst.read();
    expect(r.ok && r.value !== EOF && r.value[0]).toBe(42);
    // src was not closed by copy: it can still send to its peer.
    expect((await src.write(new Uint8Array([1]))).ok).toBe(true);
    void dstPeer.close();
    void src.close();
    await Promise.all([writing, dst.close(), dstPeer.close()]);
  });

  it('copies byte-exact for random data and random chunkings (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 0, maxLength: 20_000 }),
        fc.array(fc.integer({ min: 1, max: 5_000 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 10_000 }),
        async (data, sizes, capacity) => {
          const { srcPeer, src, dst, dstPeer } = setup(capacity);
          const writing = writeInPieces(srcPeer, data, sizes).then(() => srcPeer.close());
          const [result, received] = await Promise.all([copy(src, dst), readToEnd(dstPeer)]);
          srcPeer.abort();
          dstPeer.abort();
          await writing;
          expect(result.ok && result.value.bytes).toBe(data.byteLength);
          expect(firstDifference(received, data)).toBe(-1);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('holds at most a couple of buffers when dst does not drain (backpressure)', async () => {
    const { srcPeer, src, dst, dstPeer } = setup(16_384);
    const chunk = 4096;
    let offered = 0;
    // The writer pushes as fast as src accepts; nobody reads dstPeer.
    const writer = (async () => {
      for (let i = 0; i < 2_000; i++) {
        const w = await srcPeer.write(new Uint8Array(chunk));
        if (!w.ok) return;
        offered += chunk;
      }
    })();
    const copying = copy(src, dst);
    expect(await settlesWithin(writer, 200)).toBe(false);
    // src buffer + dst buffer + one buffer in copy's hands + one accepting, at most.
    expect(offered).toBeLessThanOrEqual(16_384 * 2 + chunk * 4);
    expect(offered).toBeGreaterThan(16_384); // it did move data
    srcPeer.abort();
    dstPeer.abort();
    await writer;
    const r = await copying;
    expect(r.ok).toBe(false);
  });

  it('reports a read error on src as { type: "read" } with the partial stats', async () => {
    const { srcPeer, src, dst, dstPeer } = setup();
    await srcPeer.write(new Uint8Array(100));
    const copying = copy(src, dst);
    const first = await dstPeer.read();
    expect(first.ok).toBe(true);
    await sleep(0); // let copy see its write accepted before the reset
    srcPeer.abort();
    const r = await copying;
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.type).toBe('read');
    if (r.error.type !== 'read') return;
    expect(r.error.error.type).toBe('reset');
    expect(r.error.stats.bytes).toBe(100);
    // copy left dst alone: it still accepts writes.
    expect((await dst.write(new Uint8Array(1))).ok).toBe(true);
    dst.abort();
  });

  it('reports a write error on dst as { type: "write" }', async () => {
    const { srcPeer, src, dst, dstPeer } = setup();
    dstPeer.abort();
    await srcPeer.write(new Uint8Array(10));
    const r = await copy(src, dst);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.type).toBe('write');
    if (r.error.type !== 'write') return;
    expect(r.error.error.type).toBe('closed');
    expect(r.error.message).toMatch(/writ/);
    srcPeer.abort();
  });

  it('stops on its signal while reading, and no byte is lost from src', async () => {
    const { srcPeer, src, dst, dstPeer } = setup();
    const ac = new AbortController();
    const copying = copy(src, dst, { signal: ac.signal });
    ac.abort(new Error('enough'));
    const r = await copying;
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.type).toBe('aborted');
    expect(r.error.type === 'aborted' && (r.error.cause as Error).message).toBe('enough');
    await srcPeer.write(new Uint8Array([9, 8, 7]));
    const after = await src.read();
    expect(after.ok && after.value !== EOF && Array.from(after.value)).toEqual([9, 8, 7]);
    srcPeer.abort();
    dstPeer.abort();
  });

  it('stops on its signal while a write is stalled on a peer that never reads', async () => {
    const { srcPeer, src, dst, dstPeer } = setup(1024);
    for (let i = 0; i < 6; i++) void srcPeer.write(new Uint8Array(1024));
    const ac = new AbortController();
    const copying = copy(src, dst, { signal: ac.signal });
    expect(await settlesWithin(copying, 50)).toBe(false);
    ac.abort();
    const r = await copying;
    expect(!r.ok && r.error.type).toBe('aborted');
    srcPeer.abort();
    dstPeer.abort();
  });

  it('with end: false leaves dst open for more writes', async () => {
    const { srcPeer, src, dst, dstPeer } = setup();
    await srcPeer.write(new Uint8Array([1, 2]));
    void srcPeer.close();
    const r = await copy(src, dst, { end: false });
    expect(r.ok && r.value.bytes).toBe(2);
    expect((await dst.write(new Uint8Array([3]))).ok).toBe(true);
    void dst.close();
    expect(Array.from(await readToEnd(dstPeer))).toEqual([1, 2, 3]);
    srcPeer.abort();
    dstPeer.abort();
  });

  it('awaits dst.closeWrite() at EOF: copy resolves only after the half-close did', async () => {
    const { srcPeer, src, dst, dstPeer } = setup();
    let finish: (r: { ok: true; value: undefined }) => void = () => {};
    const slow = withCloseWrite(dst, () => new Promise((resolve) => (finish = resolve)));
    await srcPeer.write(new Uint8Array([1, 2, 3]));
    void srcPeer.close();
    const copying = copy(src, slow);
    expect(await settlesWithin(copying, 50)).toBe(false);
    expect(slow.calls).toBe(1);
    finish({ ok: true, value: undefined });
    const r = await copying;
    expect(r.ok && r.value.bytes).toBe(3);
    srcPeer.abort();
    dstPeer.abort();
  });

  it('reports a failed half-close as { type: "close-write" } with the full stats', async () => {
    const { srcPeer, src, dst, dstPeer } = setup();
    const failing = withCloseWrite(dst, async () => ({
      ok: false,
      error: { type: 'io', message: 'the FIN could not be sent', code: 'EIO' },
    }));
    await srcPeer.write(new Uint8Array(10));
    void srcPeer.close();
    const r = await copy(src, failing);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({
      type: 'close-write',
      error: { type: 'io', code: 'EIO' },
      stats: { bytes: 10, chunks: 1 },
    });
    expect(r.error.message).toMatch(/half-clos.*the FIN could not be sent/);
    srcPeer.abort();
    dstPeer.abort();
  });

  it('reports the half-close failing because dst’s remote reset after the last write', async () => {
    const { srcPeer, src, dst, dstPeer } = setup();
    const copying = copy(src, dst);
    await srcPeer.write(new Uint8Array([4, 5]));
    const got = await dstPeer.read(); // copy's write went through
    expect(got.ok && got.value !== EOF && Array.from(got.value)).toEqual([4, 5]);
    dstPeer.abort(); // the remote resets before copy reaches EOF
    void srcPeer.close();
    const r = await copying;
    expect(!r.ok && r.error).toMatchObject({ type: 'close-write', stats: { bytes: 2 } });
    srcPeer.abort();
  });

  it('stops on its signal while the half-close is stalled', async () => {
    const { srcPeer, src, dst, dstPeer } = setup();
    const stalled = withCloseWrite(dst, () => new Promise(() => {}));
    void srcPeer.close();
    const ac = new AbortController();
    const copying = copy(src, stalled, { signal: ac.signal });
    expect(await settlesWithin(copying, 30)).toBe(false);
    ac.abort();
    const r = await copying;
    expect(!r.ok && r.error.type).toBe('aborted');
    srcPeer.abort();
    dstPeer.abort();
  });

  it('with end: false never half-closes dst', async () => {
    const { srcPeer, src, dst, dstPeer } = setup();
    const watched = withCloseWrite(dst, () => dst.closeWrite());
    void srcPeer.close();
    expect((await copy(src, watched, { end: false })).ok).toBe(true);
    expect(watched.calls).toBe(0);
    srcPeer.abort();
    dstPeer.abort();
  });

  it('src aborted locally is a read failure, not the caller’s abort; durationMs is the time taken', async () => {
    const { srcPeer, src, dst, dstPeer } = setup();
    const before = performance.now();
    const copying = copy(src, dst, { signal: new AbortController().signal });
    expect(await settlesWithin(copying, 20)).toBe(false);
    src.abort(new Error('local'));
    const r = await copying;
    const elapsed = performance.now() - before;
    expect(!r.ok && r.error.type).toBe('read');
    if (r.ok || r.error.type === 'invalid-option') return;
    expect(r.error.stats.durationMs).toBeGreaterThanOrEqual(15);
    expect(r.error.stats.durationMs).toBeLessThanOrEqual(elapsed + 1);
    srcPeer.abort();
    dstPeer.abort();
  });
});
