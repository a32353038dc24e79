// What a socket listener promises about connections nobody accepts, shared
// by the tcp and unix test files: they read nothing, at most `backlog` are
// held, and one more is refused at once.
import { EOF, type Flow, type ListenError, type Listener, type Result } from '@flowkit/flow-types';
import { afterEach, describe, expect, it } from 'vitest';

/** How one socket transport binds and dials. */
export interface BoundedListenerTransport {
  /** Suite title, e.g. `tcp`. */
  readonly name: string;
  /** A fresh listener holding at most `backlog` unaccepted connections. */
  listen(backlog: number): Promise<Result<Listener<Flow> & { readonly pending: number }, ListenError>>;
  /** Dials `listener`. */
  connect(listener: Listener<Flow>): Promise<Result<Flow & { readonly bytesRead: number }, unknown>>;
  /** What an over-the-bound peer reads: `reset` on TCP; on unix an error or `EOF`. */
  readonly refusedReads: readonly ('reset' | 'eof' | 'io')[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `promise`, or `'hung'` after `ms`; the timer never outlives the race. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'hung'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), ms);
  });
  try {
    return await Promise.race([promise, hung]);
  } finally {
    clearTimeout(timer);
  }
}

async function until(what: string, done: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(5);
  }
}

/** Registers the bounded-listener cases for one transport. */
export function boundedListener(t: BoundedListenerTransport): void {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const listen = async (backlog: number) => {
    const r = await t.listen(backlog);
    if (!r.ok) throw new Error(r.error.message);
    cleanups.push(() => r.value.close());
    return r.value;
  };
  const connect = async (listener: Listener<Flow>) => {
    const r = await t.connect(listener);
    if (!r.ok) throw new Error('connect failed');
    cleanups.push(() => r.value.abort());
    return r.value;
  };

  describe(`${t.name}: connections nobody accepts`, () => {
    it('read nothing before accept (the OS holds the data); after accept every byte arrives', async () => {
      const listener = await listen(8);
      const peer = await connect(listener);
      const payload = new Uint8Array(1024 * 1024).fill(7);
      const sent = peer.write(payload);
      void peer.closeWrite();
      await until('the connection is queued', () => listener.pending === 1);
      await sleep(100);
      const accepted = await listener.accept();
      if (!accepted.ok) throw new Error(accepted.error.message);
      const flow = accepted.value as Flow & { readonly bytesRead: number };
      cleanups.push(() => flow.abort());
      expect(flow.bytesRead).toBe(0);
      let got = 0;
      for (let i = 0; i < 10_000; i++) {
        const r = await flow.read();
        if (!r.ok) throw new Error(r.error.message);
        if (r.value === EOF) break;
        got += r.value.length;
      }
      expect(got).toBe(payload.length);
      expect((await sent).ok).toBe(true);
    });

    it('at most backlog are held; one more is refused at once, and the held ones stay acceptable', async () => {
      const listener = await listen(2);
      const held = [await connect(listener)];
      await until('one is queued', () => listener.pending === 1);
      held.push(await connect(listener));
      await until('two are queued', () => listener.pending === 2);
      // Refused: the dial itself may already see the reset, or its first read does.
      const dialed = await t.connect(listener);
      let got: string;
      if (dialed.ok) {
        cleanups.push(() => dialed.value.abort());
        const r = await within(dialed.value.read(), 3_000);
        got = r === 'hung' ? 'hung' : r.ok ? (r.value === EOF ? 'eof' : 'data') : r.error.type;
      } else {
        got = (dialed.error as { type: string }).type;
      }
      expect(t.refusedReads).toContain(got);
      expect(listener.pending).toBe(2);
      for (const peer of held) {
        expect((await peer.write(new Uint8Array([1, 2, 3]))).ok).toBe(true);
        const a = await listener.accept();
        if (!a.ok) throw new Error(a.error.message);
        cleanups.push(() => a.value.abort());
        const d = await a.value.read();
        expect(d.ok && d.value !== EOF && [...d.value]).toEqual([1, 2, 3]);
      }
    });

    it('close() aborts the held ones: their peers read an error or EOF, not a hang', async () => {
      const listener = await listen(4);
      const peer = await connect(listener);
      await until('it is queued', () => listener.pending === 1);
      await listener.close();
      const r = await within(peer.read(), 3_000);
      expect(r).not.toBe('hung');
      expect(r !== 'hung' && r.ok && r.value !== EOF).toBe(false);
    });
  });
}
