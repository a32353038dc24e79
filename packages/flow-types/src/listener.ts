import type { ListenError } from './errors.js';
import type { Flow } from './flow.js';
import type { Result } from './result.js';

/**
 * Accepts incoming flows on a bound address. Every network transport's
 * `listen` returns one; so does `@flowkit/memory`'s named `listen`.
 *
 * Iterate it with `for await` to accept until it is closed, or call
 * {@link Listener.accept} yourself. Do not mix the two concurrently.
 */
export interface Listener<F extends Flow = Flow, A = unknown> extends AsyncIterable<F> {
  /**
   * The address actually bound. For tcp and tls `{ host, port, family }`
   * (port 0 becomes the real port); for unix `{ path }` or `{ name }`; for
   * memory `{ name }`.
   */
  readonly address: A;

  /**
   * Waits for the next incoming flow. Flows that arrived before the call are
   * queued and returned in order. After {@link Listener.close}: pending and
   * later calls resolve `{ ok: false, error: { type: 'closed' } }`.
   */
  accept(): Promise<Result<F, ListenError>>;

  /**
   * Stops accepting and releases the address. Flows already accepted are
   * left alone; connections that were queued but not yet accepted are
   * aborted. Idempotent; never rejects. Async iteration ends.
   */
  close(): Promise<void>;
}
