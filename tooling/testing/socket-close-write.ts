// closeWrite() over real sockets, shared by the tcp and unix test files: what
// the half-close promises where a kernel sits between the two ends (a FIN
// behind megabytes still in Node's buffer, an RST that stops the flush).
import { EOF, type Flow, formatError } from '@flowkit/flow-types';
import { afterEach, describe, expect, it } from 'vitest';

/** How one socket transport makes a connected pair. */
export interface SocketPairMaker {
  /** Suite title, e.g. `tcp`. */
  readonly name: string;
  /** A connected pair: `[dialer, acceptor]`. */
  makePair(): Promise<readonly [Flow, Flow]>;
  /** Runs after each case (closes listeners). */
  cleanup?(): Promise<void>;
  /** `abort()` sends a reset (TCP's RST; a unix socket only closes). */
  readonly resets?: boolean;
}

const MiB = 1024 * 1024;

function pattern(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + seed) & 0xff;
  return out;
}

/** Reads to EOF (bounded by `limit` bytes and 20 s); throws on an error. */
async function readToEof(flow: Flow, limit: number): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  let total = 0;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const r = await flow.read();
    if (!r.ok) throw new Error(formatError(r.error));
    if (r.value === EOF) return Buffer.concat(parts);
    parts.push(r.value);
    total += r.value.length;
    if (total > limit) throw new Error(`read ${total} bytes, more than the ${limit} sent`);
  }
  throw new Error('no EOF within 20 s');
}

/** Registers the closeWrite cases for one socket transport. */
export function socketCloseWrite(transport: SocketPairMaker): void {
  const flows: Flow[] = [];
  const pair = async (): Promise<readonly [Flow, Flow]> => {
    const p = await transport.makePair();
    flows.push(...p);
    return p;
  };
  afterEach(async () => {
    for (const f of flows.splice(0)) f.abort();
    await transport.cleanup?.();
  });

  describe(`${transport.name}: closeWrite`, () => {
    it('the remote reads every byte, then EOF; the result is ok, the same every call', async () => {
      const [a, b] = await pair();
      const sent = [pattern(100_000, 1), pattern(1, 2), pattern(70_000, 3)];
      for (const s of sent) void a.write(s);
      const first = a.closeWrite();
      const again = a.closeWrite();
      expect(await first).toEqual({ ok: true, value: undefined });
      expect(await again).toBe(await first);
      expect(await a.closeWrite()).toBe(await first);
      const got = await readToEof(b, 200_000);
      expect(got.equals(Buffer.concat(sent))).toBe(true);
      expect(await b.read()).toEqual({ ok: true, value: EOF });
    });

    it('writes afterwards resolve closed; the remote still answers and reads go on until its EOF', async () => {
      const [a, b] = await pair();
      expect((await a.closeWrite()).ok).toBe(true);
      const w = await a.write(pattern(10, 0));
      expect(!w.ok && w.error.type).toBe('closed');
      const wv = await a.writev([pattern(10, 0), pattern(5, 1)]);
      expect(!wv.ok && wv.error.type).toBe('closed');
      expect((await readToEof(b, 0)).length).toBe(0);
      const reply = pattern(3000, 9);
      expect((await b.write(reply)).ok).toBe(true);
      expect((await b.closeWrite()).ok).toBe(true);
      expect((await readToEof(a, reply.length)).equals(reply)).toBe(true);
      await Promise.all([a.close(), b.close()]);
    });

    it('8 MiB written before closeWrite, unawaited, all arrive before the EOF', async () => {
      const [a, b] = await pair();
      const chunk = pattern(MiB, 5);
      const writes = Array.from({ length: 8 }, () => a.write(chunk));
      const closed = a.closeWrite();
      const got = await readToEof(b, 8 * MiB);
      expect(got.length).toBe(8 * MiB);
      for (let i = 0; i < 8; i++) expect(got.subarray(i * MiB, (i + 1) * MiB).equals(chunk)).toBe(true);
      expect((await closed).ok).toBe(true);
      expect((await Promise.all(writes)).every((r) => r.ok)).toBe(true);
    });

    it('8 MiB from the remote are still received after closeWrite', async () => {
      const [a, b] = await pair();
      expect((await a.closeWrite()).ok).toBe(true);
      const chunk = pattern(MiB, 6);
      const sending = (async () => {
        for (let i = 0; i < 8; i++) expect((await b.write(chunk)).ok).toBe(true);
        return b.closeWrite();
      })();
      const got = await readToEof(a, 8 * MiB);
      expect(got.length).toBe(8 * MiB);
      expect(got.subarray(7 * MiB).equals(chunk)).toBe(true);
      expect((await sending).ok).toBe(true);
    });

    it('after the remote reset with the flush still pending: not ok, the reset (or closed) named', async () => {
      const [a, b] = await pair();
      // b never reads: 8 MiB cannot leave Node's buffer, so the FIN waits
      // behind them when b resets.
      const chunk = pattern(MiB, 7);
      const writes = Array.from({ length: 8 }, () => a.write(chunk));
      b.abort(new Error('peer gives up'));
      const result = await a.closeWrite();
      expect(result.ok).toBe(false);
      if (!result.ok) expect(['reset', 'closed']).toContain(result.error.type);
      // Idempotent in failure too.
      expect(await a.closeWrite()).toBe(result);
      expect((await Promise.all(writes)).some((r) => !r.ok)).toBe(true);
    });

    it('abort during a pending closeWrite resolves it closed', async () => {
      const [a, b] = await pair();
      const writes = Array.from({ length: 8 }, () => a.write(pattern(MiB, 8)));
      const closing = a.closeWrite();
      a.abort(new Error('enough'));
      const result = await closing;
      expect(!result.ok && result.error.type).toBe('closed');
      await Promise.all(writes);
      void b;
    });

    it.runIf(transport.resets === true)(
      'closeWrite after the remote reset while this end was not reading is not ok',
      async () => {
        const [a, b] = await pair();
        // b (the accepted end) has never read, so its socket is paused and
        // has not noticed the reset: only the half-close can find out.
        a.abort(new Error('gone'));
        await new Promise((resolve) => setTimeout(resolve, 100));
        const result = await b.closeWrite();
        expect(result.ok ? 'ok' : result.error.type).not.toBe('ok');
        const r = await b.read();
        expect(r.ok).toBe(false);
      },
    );

    it('closeWrite after the remote EOF is ok, and close then resolves', async () => {
      const [a, b] = await pair();
      expect((await b.closeWrite()).ok).toBe(true);
      expect((await readToEof(a, 0)).length).toBe(0);
      expect((await a.closeWrite()).ok).toBe(true);
      expect((await readToEof(b, 0)).length).toBe(0);
      await Promise.all([a.close(), b.close()]);
    });
  });
}
