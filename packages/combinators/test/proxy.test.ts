import { type CloseOptions, EOF } from '@flowkit/flow-types';
import { ForwardingFlow } from '@flowkit/kernel';
import { describe, expect, it } from 'vitest';
import { proxy } from '../src/index.js';
import { firstDifference, patternBytes, readToEnd, settlesWithin, writeInPieces } from './support/bytes.js';
import { withCloseWrite } from './support/half-close.js';
import { testPair } from './support/pair.js';

/** left ⇄ a  [proxy]  b ⇄ right */
function setup(capacity = 65_536) {
  const [left, a] = testPair(capacity);
  const [b, right] = testPair(capacity);
  return { left, a, b, right };
}

/**
 * `inner` whose `close()` resolves only when the test says so, after the
 * inner close: what a transport that releases a handle on close looks like
 * (memory has nothing left to release once both EOFs were read).
 */
class HeldClose extends ForwardingFlow {
  readonly calls: (CloseOptions | undefined)[] = [];
  #release: () => void = () => {};
  readonly #released = new Promise<void>((resolve) => {
    this.#release = resolve;
  });

  override async close(options?: CloseOptions): Promise<void> {
    this.calls.push(options);
    await super.close(options);
    await this.#released;
  }

  release(): void {
    this.#release();
  }
}

describe('proxy', () => {
  it('relays both directions at once, byte-exact, and closes both flows', async () => {
    const { left, a, b, right } = setup(8192);
    const toRight = patternBytes(200_000, 3);
    const toLeft = patternBytes(150_000, 4);
    const relaying = proxy(a, b);
    const [, , gotRight, gotLeft] = await Promise.all([
      writeInPieces(left, toRight, [1000, 3]).then(() => left.close()),
      writeInPieces(right, toLeft, [77, 9000]).then(() => right.close()),
      readToEnd(right),
      readToEnd(left),
    ]);
    expect(firstDifference(gotRight, toRight)).toBe(-1);
    expect(firstDifference(gotLeft, toLeft)).toBe(-1);
    const r = await relaying;
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.aToB.bytes).toBe(toRight.byteLength);
    expect(r.value.bToA.bytes).toBe(toLeft.byteLength);
    // proxy awaited both closes: both flows are fully closed, not only half.
    expect(a.state).toBe('closed');
    expect(b.state).toBe('closed');
    expect((await a.write(new Uint8Array(1))).ok).toBe(false);
    expect((await b.write(new Uint8Array(1))).ok).toBe(false);
  });

  it('after both EOFs, close()s both flows (with the caller’s signal) and resolves only once both closes did', async () => {
    const { left, a, b, right } = setup();
    const heldA = new HeldClose(a);
    const heldB = new HeldClose(b);
    const controller = new AbortController();
    const relaying = proxy(heldA, heldB, { signal: controller.signal });
    await left.write(new Uint8Array([1, 2]));
    await Promise.all([left.closeWrite(), right.closeWrite()]);
    expect(Array.from(await readToEnd(right))).toEqual([1, 2]);
    expect(Array.from(await readToEnd(left))).toEqual([]);
    // Both directions are done; proxy is releasing both flows.
    expect(await settlesWithin(relaying, 30)).toBe(false);
    const closes = (f: HeldClose): number => f.calls.length;
    expect([closes(heldA), closes(heldB)]).toEqual([1, 1]);
    for (const f of [heldA, heldB]) expect(f.calls[0]?.signal).toBeInstanceOf(AbortSignal);
    heldA.release();
    expect(await settlesWithin(relaying, 30)).toBe(false);
    heldB.release();
    const r = await relaying;
    expect(r.ok && [r.value.aToB.bytes, r.value.bToA.bytes]).toEqual([2, 0]);
    await Promise.all([left.close(), right.close()]);
  });

  it('passes on a half-close in one direction while the other keeps flowing', async () => {
    const { left, a, b, right } = setup();
    const relaying = proxy(a, b);
    await left.write(new Uint8Array([1, 2, 3]));
    const leftClosed = left.close(); // left → right is done
    expect(Array.from(await readToEnd(right))).toEqual([1, 2, 3]);
    // right → left still works after right saw EOF
    await right.write(new Uint8Array([4, 5]));
    const r1 = await left.read();
    expect(r1.ok && r1.value !== EOF && Array.from(r1.value)).toEqual([4, 5]);
    const rightClosed = right.close();
    const tail = await left.read();
    expect(tail.ok && tail.value).toBe(EOF);
    await Promise.all([leftClosed, rightClosed]);
    const r = await relaying;
    expect(r.ok && [r.value.aToB.bytes, r.value.bToA.bytes]).toEqual([3, 2]);
  });

  it('an error on one side aborts the other side and reports the direction', async () => {
    const { left, a, b, right } = setup();
    const relaying = proxy(a, b);
    await right.write(new Uint8Array([7]));
    const got = await left.read();
    expect(got.ok).toBe(true);
    left.abort(); // a's remote resets
    const r = await relaying;
    expect(r.ok).toBe(false);
    if (r.ok || r.error.type !== 'proxy') throw new Error(`expected a proxy error, got ${JSON.stringify(r)}`);
    expect(r.error.direction).toBe('aToB');
    expect(r.error.error.type).toBe('read');
    expect(r.error.message).toContain('a → b');
    // right learns of it as an error, not a clean EOF
    const seen = await right.read();
    expect(seen.ok).toBe(false);
  });

  it('a peer gone on one side ends the relay with an error on both sides', async () => {
    const { left, a, b, right } = setup();
    const relaying = proxy(a, b);
    right.abort();
    await left.write(new Uint8Array([1]));
    const r = await relaying;
    expect(r.ok).toBe(false);
    if (r.ok || r.error.type !== 'proxy') throw new Error(`expected a proxy error, got ${JSON.stringify(r)}`);
    // Either direction may notice first; both must agree that proxy failed.
    expect(['read', 'write']).toContain(r.error.error.type);
    const seen = await left.read();
    expect(seen.ok).toBe(false);
  });

  it('stops on its signal and aborts both flows', async () => {
    const { left, a, b, right } = setup();
    const ac = new AbortController();
    const relaying = proxy(a, b, { signal: ac.signal });
    ac.abort(new Error('shutdown'));
    const r = await relaying;
    expect(r.ok).toBe(false);
    if (r.ok || r.error.type !== 'proxy') throw new Error(`expected a proxy error, got ${JSON.stringify(r)}`);
    expect(r.error.error.type).toBe('aborted');
    expect((await left.read()).ok).toBe(false);
    expect((await right.read()).ok).toBe(false);
  });

  it('half-closes each direction with closeWrite(), before either remote closes', async () => {
    const { left, a, b, right } = setup();
    const watchedB = withCloseWrite(b, () => b.closeWrite());
    const relaying = proxy(a, watchedB);
    await left.write(new Uint8Array([1]));
    void left.closeWrite();
    // right reads the data, then EOF, while right itself has not closed yet.
    expect(Array.from(await readToEnd(right))).toEqual([1]);
    expect(watchedB.calls).toBe(1);
    expect(await settlesWithin(relaying, 30)).toBe(false);
    void right.closeWrite();
    expect(Array.from(await readToEnd(left))).toEqual([]);
    const r = await relaying;
    expect(r.ok && [r.value.aToB.bytes, r.value.bToA.bytes]).toEqual([1, 0]);
    await Promise.all([left.close(), right.close()]);
  });

  it('reports a failed half-close with its direction and aborts both flows', async () => {
    const { left, a, b, right } = setup();
    const failing = withCloseWrite(b, async () => ({
      ok: false,
      error: { type: 'reset', message: 'the remote reset during the flush' },
    }));
    const relaying = proxy(a, failing);
    await left.write(new Uint8Array([1, 2]));
    void left.close();
    const r = await relaying;
    expect(r.ok).toBe(false);
    if (r.ok || r.error.type !== 'proxy') throw new Error(`expected a proxy error, got ${JSON.stringify(r)}`);
    expect(r.error.direction).toBe('aToB');
    expect(r.error.error).toMatchObject({ type: 'close-write', error: { type: 'reset' } });
    expect(r.error.message).toMatch(/a → b: .*half-clos/);
    // both remotes learn of the failure as an error, not a clean EOF
    expect((await left.read()).ok).toBe(false);
    const seen: boolean[] = [];
    for (let i = 0; i < 3; i++) {
      const x = await right.read();
      seen.push(x.ok);
      if (!x.ok) break;
    }
    expect(seen.at(-1)).toBe(false);
  });

  it('names the direction b → a when b’s side fails first', async () => {
    const { left, a, b, right } = setup();
    const relaying = proxy(a, b);
    await left.write(new Uint8Array([1]));
    expect((await right.read()).ok).toBe(true);
    right.abort(); // b's remote resets: the b → a direction reads the error
    const r = await relaying;
    if (r.ok || r.error.type !== 'proxy') throw new Error(`expected a proxy error, got ${JSON.stringify(r)}`);
    expect(r.error.direction).toBe('bToA');
    expect(r.error.message).toMatch(/^proxy: b → a: copy: reading failed: /);
    left.abort();
  });
});
