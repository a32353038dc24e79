import { pair } from '@flowkit/memory';
import { describe, expect, it } from 'vitest';
import { countingSignal } from '../../../tooling/testing/counting-signal.js';
import { ABORTED, untilAborted } from '../src/abort.js';
import { buffered, chunks, copy, readExactly } from '../src/index.js';

// untilAborted is the one place a combinator waits on a flow promise and a
// signal at once, once per write: over a long copy or proxy, a listener left
// behind per call would pile up on the one signal.
describe('untilAborted leaves no listener on its signal', () => {
  it('when the promise wins', async () => {
    const s = countingSignal();
    expect(await untilAborted(Promise.resolve('written'), s.signal)).toBe('written');
    expect(s.listeners).toBe(0);
  });

  it('when the signal wins (and the fired signal keeps nothing)', async () => {
    const s = countingSignal();
    const waiting = untilAborted(new Promise(() => {}), s.signal);
    expect(s.listeners).toBe(1);
    s.fire();
    expect(await waiting).toBe(ABORTED);
    expect(s.listeners).toBe(0);
  });

  it('when the promise rejects (a transport bug): the rejection is passed on', async () => {
    const s = countingSignal();
    const bug = new Error('transport bug');
    await expect(untilAborted(Promise.reject(bug), s.signal)).rejects.toBe(bug);
    expect(s.listeners).toBe(0);
  });

  it('a signal that already fired wins at once, without waiting for the promise', async () => {
    const s = countingSignal();
    s.fire();
    expect(await untilAborted(new Promise(() => {}), s.signal)).toBe(ABORTED);
    expect(s.listeners).toBe(0);
  });
});

describe('the caller’s signal', () => {
  it('keeps no listener once it fired, even for a chunks iterator never resumed', async () => {
    const [peer, flow] = pair();
    const s = countingSignal();
    chunks(flow, { signal: s.signal });
    expect(s.listeners).toBe(1);
    s.fire('gone');
    expect(s.listeners).toBe(0);
    peer.abort();
    flow.abort();
  });

  it('whose reason getter throws: the thrown error is the abort’s cause', async () => {
    const [srcPeer, src] = pair();
    const [dst, dstPeer] = pair();
    const why = new Error('reason getter threw');
    const s = countingSignal({ reasonThrows: why });
    const copying = copy(src, dst, { signal: s.signal });
    s.fire();
    const r = await copying;
    expect(!r.ok && r.error).toMatchObject({ type: 'aborted', cause: why });
    for (const f of [srcPeer, src, dst, dstPeer]) f.abort();
  });

  it('readExactly: one whose addEventListener throws is a TypeError naming readExactly, at the call', () => {
    const [peer, flow] = pair();
    const broken = {
      aborted: false,
      reason: undefined,
      addEventListener() {
        throw new Error('addEventListener refuses');
      },
      removeEventListener() {},
    } as unknown as AbortSignal;
    expect(() => readExactly(buffered(flow), 1, { signal: broken })).toThrow(
      new TypeError('readExactly: options.signal is not a usable AbortSignal (it threw)'),
    );
    peer.abort();
    flow.abort();
  });
});
