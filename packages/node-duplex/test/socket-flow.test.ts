import { type AddressInfo, createServer, connect as netConnect, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { EOF } from '@flowkit/flow-types';
import { describe, expect, it } from 'vitest';
import { fromNodeDuplex } from '../src/index.js';
import { ManualDuplex, settled, tcpPair, tick } from './helpers.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('read path', () => {
  it('hands on the very Buffer that Node emitted (no copy)', async () => {
    const duplex = new ManualDuplex();
    const flow = fromNodeDuplex(duplex);
    const chunk = Buffer.from('zero-copy');
    duplex.push(chunk);
    const r = await flow.read();
    expect(r.ok && r.value).toBe(chunk);
    flow.abort();
  });

  it('resolves a pending read directly from data, and queues in order otherwise', async () => {
    const duplex = new ManualDuplex();
    const flow = fromNodeDuplex(duplex);
    const pending = flow.read();
    duplex.push(Buffer.from('one'));
    const r1 = await pending;
    expect(r1.ok && r1.value !== EOF && text(r1.value)).toBe('one');
    duplex.push(Buffer.from('two'));
    duplex.push(Buffer.from('three'));
    await tick();
    const got: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await flow.read();
      if (r.ok && r.value !== EOF) got.push(text(r.value));
    }
    expect(got).toEqual(['two', 'three']);
    flow.abort();
  });

  it('pauses the duplex above the read high-water mark and resumes below it', async () => {
    const duplex = new ManualDuplex();
    const flow = fromNodeDuplex(duplex, { readHighWaterMark: 10 });
    duplex.push(Buffer.alloc(6));
    await tick();
    expect(duplex.isPaused()).toBe(false);
    duplex.push(Buffer.alloc(6));
    await tick();
    expect(duplex.isPaused()).toBe(true);
    await flow.read();
    expect(duplex.isPaused()).toBe(false);
    flow.abort();
  });

  it('returns EOF after queued data, and again on every later read', async () => {
    const duplex = new ManualDuplex();
    const flow = fromNodeDuplex(duplex);
    duplex.push(Buffer.from('last'));
    duplex.push(null);
    await tick();
    const r = await flow.read();
    expect(r.ok && r.value !== EOF && text(r.value)).toBe('last');
    expect(await flow.read()).toEqual({ ok: true, value: EOF });
    expect(await flow.read()).toEqual({ ok: true, value: EOF });
    flow.abort();
  });

  it('a read cancelled by its signal resolves aborted and loses nothing', async () => {
    const duplex = new ManualDuplex();
    const flow = fromNodeDuplex(duplex);
    const controller = new AbortController();
    const cancelled = flow.read({ signal: controller.signal });
    const next = flow.read();
    controller.abort(new Error('changed my mind'));
    const r = await cancelled;
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.type).toBe('aborted');
    duplex.push(Buffer.from('kept'));
    const n = await next;
    expect(n.ok && n.value !== EOF && text(n.value)).toBe('kept');
    const pre = new AbortController();
    pre.abort();
    const early = await flow.read({ signal: pre.signal });
    expect(early.ok).toBe(false);
    flow.abort();
  });

  it('after a duplex error: queued data first, then the mapped error every time', async () => {
    const duplex = new ManualDuplex();
    const flow = fromNodeDuplex(duplex, { label: 'peer-x' });
    duplex.push(Buffer.from('before'));
    await tick();
    duplex.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    await tick();
    const r = await flow.read();
    expect(r.ok && r.value !== EOF && text(r.value)).toBe('before');
    for (let i = 0; i < 2; i++) {
      const e = await flow.read();
      expect(e.ok).toBe(false);
      if (!e.ok) {
        expect(e.error.type).toBe('reset');
        expect(e.error.code).toBe('ECONNRESET');
        expect(e.error.message).toContain('peer-x');
      }
    }
    const w = await flow.write(bytes('x'));
    expect(w.ok).toBe(false);
    if (!w.ok) expect(w.error.type).toBe('closed');
    await flow.close();
  });
});

describe('programming errors throw at the call (issue 13)', () => {
  it("write('str') and writev(['x']) throw a TypeError naming the argument; nothing is sent or counted", async () => {
    const duplex = new ManualDuplex();
    const flow = fromNodeDuplex(duplex);
    expect(() => flow.write('str' as never)).toThrow(TypeError);
    expect(() => flow.write('str' as never)).toThrow(/write: buffer must be a Uint8Array, got "str"/);
    expect(() => flow.write(undefined as never)).toThrow(/buffer/);
    expect(() => flow.writev(['x'] as never)).toThrow(/writev: buffers\[0\] must be a Uint8Array/);
    expect(() => flow.writev('xy' as never)).toThrow(/writev: buffers must be an array/);
    await tick();
    expect(duplex.writes).toHaveLength(0);
    expect(flow.bytesWritten).toBe(0);
    flow.abort();
  });
});

describe('state, derived from the two halves', () => {
  it('open → write-closed after closeWrite → closed once the remote ends; read-done when the remote ends first', async () => {
    const { a, b, listener } = await tcpPair();
    await listener.close();
    expect(a.state).toBe('open');
    expect((await a.closeWrite()).ok).toBe(true);
    expect(a.state).toBe('write-closed');
    expect(await b.read()).toEqual({ ok: true, value: EOF });
    expect(b.state).toBe('read-done');
    expect((await b.closeWrite()).ok).toBe(true);
    expect(await a.read()).toEqual({ ok: true, value: EOF });
    expect(a.state).toBe('closed');
    expect(b.state).toBe('closed');
    await Promise.all([a.close(), b.close()]);
  });
});

describe('an idle flow listens for no end-of-stream until it reads or closes', () => {
  it('an EOF that arrived before the first read or close is still heard: state read-done, read EOF, close resolves', async () => {
    const { a, b, listener } = await tcpPair();
    await listener.close();
    // `a` is a dialed flow, so its socket is flowing: the FIN is read while nobody asks.
    expect((await b.closeWrite()).ok).toBe(true);
    for (let i = 0; i < 200 && a.state !== 'read-done'; i++) await tick();
    expect(a.state).toBe('read-done');
    const read = a.read();
    expect(await settled(read)).toBe(true);
    expect(await read).toEqual({ ok: true, value: EOF });
    const closing = a.close();
    for (let i = 0; i < 200 && !(await settled(closing)); i++) await tick();
    expect(await settled(closing)).toBe(true);
    expect(a.state).toBe('closed');
    expect(await b.read()).toEqual({ ok: true, value: EOF });
    await b.close();
  });

  it('close() on a flow that never read resolves once the remote ends, even on a duplex that does not destroy itself', async () => {
    // autoDestroy off: no 'close' event comes by itself, only the flow's own 'end' listener can finish the close.
    const duplex = new Duplex({
      autoDestroy: false,
      allowHalfOpen: true,
      read() {},
      write(_chunk, _encoding, callback) {
        callback();
      },
    });
    const flow = fromNodeDuplex(duplex);
    const closing = flow.close();
    await tick();
    expect(await settled(closing)).toBe(false);
    duplex.push(null);
    for (let i = 0; i < 200 && !(await settled(closing)); i++) await tick();
    expect(await settled(closing)).toBe(true);
    expect(flow.state).toBe('closed');
  });
});

describe('write path', () => {
  it('resolves at once when write() returns true, and on drain when it returns false', async () => {
    const duplex = new ManualDuplex(4);
    duplex.autoComplete = false;
    const flow = fromNodeDuplex(duplex);
    const small = flow.write(bytes('ab'));
    expect(await settled(small)).toBe(true);
    const big = flow.write(bytes('cdefgh'));
    expect(await settled(big)).toBe(false);
    duplex.release();
    await tick();
    duplex.release();
    expect(await settled(big)).toBe(true);
    expect((await big).ok).toBe(true);
    flow.abort();
  });

  it('zero-length writes and empty writev send nothing', async () => {
    const duplex = new ManualDuplex();
    const flow = fromNodeDuplex(duplex);
    expect((await flow.write(new Uint8Array(0))).ok).toBe(true);
    expect((await flow.writev([])).ok).toBe(true);
    expect((await flow.writev([new Uint8Array(0), new Uint8Array(0)])).ok).toBe(true);
    await tick();
    expect(duplex.writes).toHaveLength(0);
    expect(flow.bytesWritten).toBe(0);
    flow.abort();
  });

  it('writev is one operation (one _writev call, in order)', async () => {
    const duplex = new ManualDuplex(1024);
    const flow = fromNodeDuplex(duplex);
    expect((await flow.writev([bytes('a'), new Uint8Array(0), bytes('b'), bytes('c')])).ok).toBe(true);
    await tick();
    expect(duplex.writevCalls).toHaveLength(1);
    expect(duplex.writevCalls[0]!.map((b) => b.toString())).toEqual(['a', 'b', 'c']);
    expect(flow.bytesWritten).toBe(3);
    flow.abort();
  });

  it('concurrent writes keep call order', async () => {
    const duplex = new ManualDuplex(2);
    const flow = fromNodeDuplex(duplex);
    const words = Array.from({ length: 50 }, (_, i) => `w${i};`);
    const results = await Promise.all(words.map((w) => flow.write(bytes(w))));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(Buffer.concat(duplex.writes).toString()).toBe(words.join(''));
    flow.abort();
  });

  it('writes after close resolve closed', async () => {
    const duplex = new ManualDuplex();
    const flow = fromNodeDuplex(duplex);
    const closing = flow.close();
    const w = await flow.write(bytes('late'));
    expect(w.ok).toBe(false);
    if (!w.ok) expect(w.error.type).toBe('closed');
    duplex.push(null);
    await closing;
  });
});

describe('over loopback TCP', () => {
  it('adds no property to the socket it wraps, not even once data moved', async () => {
    // A socket with a property of its own has a hidden class of its own:
    // Node's stream code, used to a plain socket's few, went megamorphic
    // and slowed every socket in the process.
    const server = createServer({ allowHalfOpen: true });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
      const dialer = netConnect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });
      await new Promise((resolve) => dialer.once('connect', resolve));
      const acceptor = await accepted;
      const keysBefore = [Reflect.ownKeys(dialer), Reflect.ownKeys(acceptor)];
      const a = fromNodeDuplex(dialer);
      const b = fromNodeDuplex(acceptor);
      expect((await a.write(bytes('ping'))).ok).toBe(true);
      const got = await b.read();
      expect(got.ok && got.value !== EOF && text(got.value)).toBe('ping');
      expect((await b.write(bytes('pong'))).ok).toBe(true);
      expect((await a.read()).ok).toBe(true);
      expect([Reflect.ownKeys(dialer), Reflect.ownKeys(acceptor)]).toEqual(keysBefore);
      await Promise.all([a.close(), b.close()]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('half-close: the closer can still read, close resolves when the remote closes', async () => {
    const { a, b, listener } = await tcpPair();
    await listener.close();
    expect((await a.write(bytes('request'))).ok).toBe(true);
    const closing = a.close();
    const req = await b.read();
    expect(req.ok && req.value !== EOF && text(req.value)).toBe('request');
    expect(await b.read()).toEqual({ ok: true, value: EOF });
    expect(await settled(closing)).toBe(false);
    expect((await b.write(bytes('reply'))).ok).toBe(true);
    const rep = await a.read();
    expect(rep.ok && rep.value !== EOF && text(rep.value)).toBe('reply');
    await Promise.all([b.close(), closing]);
    expect(await a.read()).toEqual({ ok: true, value: EOF });
    expect(a.state).toBe('closed');
    expect(b.state).toBe('closed');
  });

  it('close after the remote already closed, with unread data: resolves, data stays readable', async () => {
    const { a, b, listener } = await tcpPair();
    await listener.close();
    await b.write(bytes('unread'));
    const bClosing = b.close();
    // wait until a has seen the FIN (queued behind 'unread')
    for (let i = 0; i < 200 && a.bytesRead < 6; i++) await tick();
    await a.close();
    await bClosing;
    const r = await a.read();
    expect(r.ok && r.value !== EOF && text(r.value)).toBe('unread');
    expect(await a.read()).toEqual({ ok: true, value: EOF });
  });

  it('close() with unread data: resolves alone up to readHighWaterMark unread; waits for reads when more follows the chunk that reached it', async () => {
    const mark = 16 * 1024;
    // A socket read is at most 64 KiB, so 8 × 16 KiB always leaves data (and
    // the FIN) behind the chunk that reached the mark.
    for (const [size, alone] of [
      [mark - 1, true],
      [mark, true],
      [8 * mark, false],
    ] as const) {
      const { a, b, listener } = await tcpPair(mark);
      await listener.close();
      expect((await b.write(new Uint8Array(size).fill(1))).ok).toBe(true);
      expect((await b.closeWrite()).ok).toBe(true);
      const closing = a.close();
      let settledAlone = false;
      void closing.then(() => {
        settledAlone = true;
      });
      // Long enough for the FIN to arrive when it is not held back.
      for (let i = 0; i < 40 && !settledAlone; i++) await new Promise((r) => setTimeout(r, 10));
      expect({ size, settledAlone }).toEqual({ size, settledAlone: alone });
      // Every byte is still there, in both cases; reading it lets close finish.
      let got = 0;
      for (let i = 0; i < 1000; i++) {
        const r = await a.read();
        if (!r.ok || r.value === EOF) break;
        got += r.value.length;
      }
      expect(got).toBe(size);
      await closing;
      await b.close();
    }
  });

  it('close is idempotent: every call resolves together', async () => {
    const { a, b, listener } = await tcpPair();
    await listener.close();
    const p1 = a.close();
    const p2 = a.close();
    expect(p1).toBe(p2);
    await b.close();
    await Promise.all([p1, p2]);
  });

  it('close with a signal aborts a peer that never closes', async () => {
    const { a, b, listener } = await tcpPair();
    await listener.close();
    const controller = new AbortController();
    const closing = a.close({ signal: controller.signal });
    expect(await settled(closing)).toBe(false);
    controller.abort();
    await closing;
    expect(a.state).toBe('closed');
    expect((await a.read()).ok).toBe(false);
    const r = await b.read();
    // b first sees a's FIN, then the RST from the abort
    expect(r).toEqual({ ok: true, value: EOF });
    b.abort();
  });

  it('abort sends RST: the remote reads reset; local reads aborted, writes closed', async () => {
    const { a, b, listener } = await tcpPair();
    await listener.close();
    const pendingRead = a.read();
    a.abort(new Error('bye'));
    const pr = await pendingRead;
    expect(!pr.ok && pr.error.type).toBe('aborted');
    const w = await a.write(bytes('x'));
    expect(!w.ok && w.error.type).toBe('closed');
    await a.close();
    const r = await b.read();
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.type).toBe('reset');
      expect(r.error.code).toBe('ECONNRESET');
    }
    await b.close();
  });

  it('abort wins after a clean close: unread data is dropped, every later read is aborted', async () => {
    const { a, b, listener } = await tcpPair();
    await listener.close();
    await a.write(bytes('unread'));
    // Both ends close; b never reads, so 'unread' sits in its queue, then EOF.
    await Promise.all([a.close(), b.close()]);
    expect(b.state).toBe('closed');
    b.abort(new Error('done with it'));
    expect(b.state).toBe('closed');
    for (let i = 0; i < 2; i++) {
      const r = await b.read();
      expect(!r.ok && r.error.type).toBe('aborted');
    }
    const w = await b.write(bytes('x'));
    expect(!w.ok && w.error.type).toBe('closed');
    await b.close();
    // The end that had read nothing but its EOF is aborted alike.
    a.abort();
    const ra = await a.read();
    expect(!ra.ok && ra.error.type).toBe('aborted');
  });

  it('abort after a failure keeps the failure: reads return the reset, not data', async () => {
    const { a, b, listener } = await tcpPair();
    await listener.close();
    a.abort();
    const first = await b.read();
    expect(!first.ok && first.error.type).toBe('reset');
    b.abort();
    const again = await b.read();
    expect(!again.ok && again.error.type).toBe('reset');
    const w = await b.write(bytes('x'));
    expect(!w.ok && w.error.type).toBe('closed');
    await b.close();
  });

  it('backpressure: a writer that is not read waits; an unread acceptor reads nothing, a reading one pauses at its high-water mark', async () => {
    const { a, b, listener } = await tcpPair(16 * 1024);
    await listener.close();
    const chunk = new Uint8Array(64 * 1024);
    let accepted = 0;
    let blocked = false;
    const deadline = Date.now() + 5_000;
    for (let i = 0; i < 2_000 && Date.now() < deadline; i++) {
      const w = a.write(chunk);
      if (!(await settled(w))) {
        blocked = true;
        break;
      }
      accepted += chunk.length;
    }
    expect(blocked).toBe(true);
    // bounded: far less than the 128 MiB the loop could have pushed
    expect(accepted).toBeLessThan(64 * 1024 * 1024);
    // The acceptor was never read: it took nothing from the kernel.
    expect(b.bytesRead).toBe(0);
    // One read starts it; it then pauses at its 16 KiB mark, after at most
    // one more socket read (≤ 64 KiB); the rest waits in the kernel.
    const first = await b.read();
    expect(first.ok).toBe(true);
    for (let i = 0; i < 20; i++) await tick();
    expect(b.bytesRead).toBeGreaterThan(0);
    expect(b.bytesRead).toBeLessThanOrEqual(16 * 1024 + 2 * 64 * 1024);
    expect(accepted).toBeGreaterThan(b.bytesRead);
    a.abort();
    b.abort();
  });

  it('counts bytes both ways', async () => {
    const { a, b, listener } = await tcpPair();
    await listener.close();
    await a.writev([bytes('abc'), bytes('de')]);
    let got = 0;
    while (got < 5) {
      const r = await b.read();
      if (!r.ok || r.value === EOF) break;
      got += r.value.length;
    }
    expect(a.bytesWritten).toBe(5);
    expect(b.bytesRead).toBe(5);
    a.abort();
    b.abort();
  });
});
