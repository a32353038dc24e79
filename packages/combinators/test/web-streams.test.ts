import { EOF, formatError } from '@flowkit/flow-types';
import { describe, expect, it } from 'vitest';
import { FlowkitError, toWebStreams } from '../src/index.js';
import { firstDifference, patternBytes, readToEnd, settlesWithin, writeInPieces } from './support/bytes.js';
import { withCloseWrite } from './support/half-close.js';
import { testPair } from './support/pair.js';

const KiB = 1024;

describe('toWebStreams', () => {
  it('hands the reader the very Uint8Array the memory flow delivered (no copy)', async () => {
    const [peer, flow] = testPair();
    const { readable } = toWebStreams(flow);
    const reader = readable.getReader();
    const sent = patternBytes(4 * KiB, 1);
    await peer.write(sent);
    const got = await reader.read();
    expect(got.value).toBe(sent);
    reader.releaseLock();
    peer.abort();
    flow.abort();
  });

  it('hands the flow the very chunk the writer wrote (no copy)', async () => {
    const [peer, flow] = testPair();
    const writer = toWebStreams(flow).writable.getWriter();
    const chunk = patternBytes(4 * KiB, 2);
    const reading = peer.read();
    await writer.write(chunk);
    const r = await reading;
    expect(r.ok && r.value).toBe(chunk);
    peer.abort();
    flow.abort();
    await writer.abort().catch(() => undefined);
  });

  it('a writer that awaits ready against a peer that never reads stalls with bounded bytes queued', async () => {
    const capacity = 64 * KiB;
    const hwm = 64 * KiB;
    const [peer, flow] = testPair(capacity);
    const writer = toWebStreams(flow, { writableHighWaterMark: hwm }).writable.getWriter();
    const chunk = 16 * KiB;
    let submitted = 0;
    let stalled = false;
    // Bounded by count (at most 64 MiB offered) and by the stall detector.
    for (let i = 0; i < 4096; i++) {
      if (!(await settlesWithin(writer.ready, 100))) {
        stalled = true;
        break;
      }
      writer.write(new Uint8Array(chunk)).catch(() => undefined);
      submitted += chunk;
    }
    expect(stalled).toBe(true);
    // What the writer could push: the writable's byte budget, the transport's
    // capacity and a chunk or two in hand. Node's Duplex.toWeb counts chunks
    // against 16,384 and queued hundreds of MB in the same situation.
    expect(submitted).toBeLessThanOrEqual(hwm + capacity + 2 * chunk);
    expect(submitted).toBeLessThan(1024 * KiB);
    expect(writer.desiredSize).toBeLessThanOrEqual(0);
    expect(flow.queuedBytes).toBeLessThanOrEqual(capacity + chunk);
    peer.abort();
    flow.abort();
    await writer.abort().catch(() => undefined);
  });

  it('the readable reads ahead only up to its byte high-water mark', async () => {
    const capacity = 16 * KiB;
    const hwm = 32 * KiB;
    const [peer, flow] = testPair(capacity);
    const { readable } = toWebStreams(flow, { readableHighWaterMark: hwm });
    const chunk = 4 * KiB;
    let accepted = 0;
    const writer = (async () => {
      for (let i = 0; i < 1000; i++) {
        const w = await peer.write(new Uint8Array(chunk));
        if (!w.ok) return;
        accepted += chunk;
      }
    })();
    expect(await settlesWithin(writer, 150)).toBe(false);
    expect(accepted).toBeLessThanOrEqual(hwm + capacity + 2 * chunk);
    expect(accepted).toBeGreaterThanOrEqual(hwm); // it did read ahead
    await readable.cancel();
    peer.abort();
    flow.abort();
    await writer;
  });

  it('round-trips through pipeTo: bytes exact, writable.close() half-closes, readable ends at EOF', async () => {
    const [a, b] = testPair(8 * KiB);
    const sa = toWebStreams(a);
    const sb = toWebStreams(b);
    const data = patternBytes(100 * KiB, 3);
    // b echoes: its readable piped into its own writable.
    const echoing = sb.readable.pipeTo(sb.writable);
    const writing = (async () => {
      const w = sa.writable.getWriter();
      for (let at = 0; at < data.byteLength; at += 3000) await w.write(data.slice(at, at + 3000));
      await w.close();
    })();
    const parts: Uint8Array[] = [];
    const reader = sa.readable.getReader();
    for (let i = 0; i < 100_000; i++) {
      const r = await reader.read();
      if (r.done) break;
      parts.push(r.value);
    }
    await Promise.all([writing, echoing]);
    const joined = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let at = 0;
    for (const p of parts) {
      joined.set(p, at);
      at += p.byteLength;
    }
    expect(firstDifference(joined, data)).toBe(-1);
    await Promise.all([a.close(), b.close()]);
  });

  it('errors the readable with a FlowkitError on a read error', async () => {
    const [peer, flow] = testPair();
    const reader = toWebStreams(flow).readable.getReader();
    peer.abort();
    const e = await reader.read().then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e instanceof FlowkitError && e.error.type).toBe('reset');
    flow.abort();
  });

  it('errors the writable with a FlowkitError when the flow is closed', async () => {
    const [peer, flow] = testPair();
    const writer = toWebStreams(flow).writable.getWriter();
    peer.abort();
    const e = await writer.write(new Uint8Array(1)).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e instanceof FlowkitError && e.error.type).toBe('closed');
    flow.abort();
  });

  it('writable.abort() aborts the flow', async () => {
    const [peer, flow] = testPair();
    await toWebStreams(flow).writable.abort(new Error('stop'));
    expect((await peer.read()).ok).toBe(false);
    expect((await flow.write(new Uint8Array(1))).ok).toBe(false);
  });

  it('readable.cancel() cancels the pending read and leaves the flow readable', async () => {
    const [peer, flow] = testPair();
    const { readable } = toWebStreams(flow, { readableHighWaterMark: 0 });
    const reader = readable.getReader();
    const pending = reader.read();
    await reader.cancel();
    expect((await pending).done).toBe(true);
    await writeInPieces(peer, patternBytes(2 * KiB, 4), [2 * KiB]);
    void peer.close();
    expect((await readToEnd(flow)).byteLength).toBe(2 * KiB);
    await flow.close();
  });

  it('rejects a bad high-water mark', () => {
    const [peer, flow] = testPair();
    expect(() => toWebStreams(flow, { readableHighWaterMark: -1 })).toThrow(/readableHighWaterMark/);
    expect(() => toWebStreams(flow, { writableHighWaterMark: 1.5 })).toThrow(/writableHighWaterMark/);
    peer.abort();
    flow.abort();
  });

  it('writable.close() is closeWrite(): it waits for it and rejects with its error', async () => {
    const [peer, flow] = testPair();
    const failing = withCloseWrite(flow, async () => ({
      ok: false,
      error: { type: 'reset', message: 'gone before the FIN' },
    }));
    const e = await toWebStreams(failing)
      .writable.close()
      .then(
        () => undefined,
        (x: unknown) => x,
      );
    expect(e instanceof FlowkitError && e.error.type).toBe('reset');
    expect(failing.calls).toBe(1);

    // and a working one: the peer reads EOF, the reverse direction still works.
    const { writable } = toWebStreams(flow);
    await writable.close();
    const end = await peer.read();
    expect(end.ok && end.value).toBe(EOF);
    expect((await peer.write(new Uint8Array([1]))).ok).toBe(true);
    peer.abort();
    flow.abort();
  });

  it('defaults both high-water marks to 65,536 bytes', async () => {
    const [peer, flow] = testPair();
    const writer = toWebStreams(flow).writable.getWriter();
    expect(writer.desiredSize).toBe(65_536);
    writer.releaseLock();
    peer.abort();
    flow.abort();
  });

  it('a FlowkitError carries the typed error as error and cause, its one line as message', async () => {
    const [peer, flow] = testPair();
    const reader = toWebStreams(flow).readable.getReader();
    peer.abort();
    const e = await reader.read().then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(FlowkitError);
    const fe = e as FlowkitError;
    expect(fe.name).toBe('FlowkitError');
    expect(fe.cause).toBe(fe.error);
    expect(fe.message).toBe(formatError(fe.error));
    expect(fe.message).toMatch(/^reset: /);
    flow.abort();
  });
});
