import type { Flow, InvalidOptionError, Result } from '@flowkit/flow-types';
import { checkFlow, guardedAbort, guardedClose, readOptions, signal } from '@flowkit/kernel';
import { type Followed, follow } from './abort.js';
import { type CopyError, type CopyStats, copyUntil } from './copy.js';

const PROXY_OPTIONS = { signal: signal() };

/** What {@link proxy} measured, one {@link CopyStats} per direction. */
export interface ProxyStats {
  /** Bytes read from `a` and written to `b`. */
  readonly aToB: CopyStats;
  /** Bytes read from `b` and written to `a`. */
  readonly bToA: CopyStats;
}

/**
 * Why {@link proxy} stopped early: the first direction that failed, and what
 * went wrong there (a {@link CopyError}, whose `type` says whether reading,
 * writing or the caller's signal stopped it). `stats` has what each direction
 * had copied by then.
 */
export interface ProxyError {
  readonly type: 'proxy';
  /** The direction that failed first. */
  readonly direction: 'aToB' | 'bToA';
  readonly message: string;
  readonly error: CopyError;
  readonly stats: ProxyStats;
}

/** Options for {@link proxy}. */
export interface ProxyOptions {
  /**
   * Stops the relay: both flows are aborted (their remotes see a reset where
   * the transport has one) and `proxy` resolves with an `aborted` error.
   * Also bounds the final wait for both remotes' close.
   */
  readonly signal?: AbortSignal;
}

/**
 * Relays `a` and `b` in both directions at once, as socat does.
 *
 * Each direction is a {@link copy}: when `a` reaches EOF, `b` is half-closed
 * with `b.closeWrite()` (and the other way round) while the other direction
 * keeps going. `proxy` finishes when both directions have reached EOF and
 * both half-closes were handed to their transports; it then calls `close()`
 * on both to release them (both remotes have closed by then, since their EOF
 * was read), so when it resolves both flows are fully closed.
 *
 * An error in one direction (a reset, a write to a gone peer, a half-close
 * that failed) or the caller's signal aborts BOTH flows, which ends the other direction too: a relay that
 * lost one side has nothing to relay, and the surviving peer should learn of
 * it (a reset) rather than wait forever. The first error is returned.
 *
 * A flow that breaks its contract (a method that throws, rejects, returns no
 * promise or resolves something that is not a `Result`) is an error like any
 * other (`io`, code `ERR_FLOW_BROKEN`, inside the {@link CopyError}); a
 * final `close()` that breaks it is the `close-write` failure of the
 * direction writing to that flow.
 *
 * Never rejects. An argument that is not a flow is a `TypeError` thrown at the
 * call; a bad option is an `invalid-option` result.
 */
export function proxy(
  a: Flow,
  b: Flow,
  options?: ProxyOptions,
): Promise<Result<ProxyStats, ProxyError | InvalidOptionError>> {
  checkFlow(a, 'proxy', 'a');
  checkFlow(b, 'proxy', 'b');
  const read = readOptions(options, PROXY_OPTIONS);
  if (!read.ok) return Promise.resolve(read);
  const followed = follow('proxy', read.value.signal);
  return relay(a, b, followed).finally(followed.dispose);
}

async function relay(a: Flow, b: Flow, stop: Followed): Promise<Result<ProxyStats, ProxyError>> {
  const zero: CopyStats = { bytes: 0, chunks: 0, durationMs: 0 };
  const stats = { aToB: zero, bToA: zero };
  let first: ProxyError | undefined;

  /** The first failure wins; it aborts both flows (guarded: a broken `abort` must not throw here). */
  const fail = (direction: 'aToB' | 'bToA', error: CopyError): void => {
    // Our own `stop` aborting the other direction is not a second error.
    if (first !== undefined) return;
    first = {
      type: 'proxy',
      direction,
      message: `proxy: ${direction === 'aToB' ? 'a → b' : 'b → a'}: ${error.message}`,
      error,
      stats,
    };
    stop.abort(error);
    guardedAbort(a, error);
    guardedAbort(b, error);
  };

  const run = async (direction: 'aToB' | 'bToA', src: Flow, dst: Flow): Promise<void> => {
    const r = await copyUntil(src, dst, true, stop.signal);
    stats[direction] = r.ok ? r.value : r.error.stats;
    if (!r.ok) fail(direction, r.error);
  };

  /**
   * Releases `flow`, the destination of `direction`. A `close()` that breaks
   * its contract is that direction's `close-write` failure: its end was not
   * released as it should have been.
   */
  const release = async (direction: 'aToB' | 'bToA', flow: Flow): Promise<void> => {
    const r = await guardedClose(flow, { signal: stop.signal });
    if (!r.ok) {
      const message = `copy: releasing the destination failed: ${r.error.message}`;
      fail(direction, { type: 'close-write', message, error: r.error, stats: stats[direction] });
    }
  };

  await Promise.all([run('aToB', a, b), run('bToA', b, a)]);
  // Both directions ended and both half-closes went out, so both remotes'
  // EOF was read: close() only releases. The caller's signal still bounds it.
  if (first === undefined) await Promise.all([release('bToA', a), release('aToB', b)]);
  if (first !== undefined) return { ok: false, error: { ...first, stats: { ...stats } } };
  return { ok: true, value: { ...stats } };
}
