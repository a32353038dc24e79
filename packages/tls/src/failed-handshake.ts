import { type Flow, ok, type WriteResult } from '@flowkit/flow-types';
import { ForwardingFlow } from '@flowkit/kernel';

/** How long a failed handshake's alert gets to leave before the transport is aborted, in ms. */
export const ALERT_FLUSH_MS = 1_000;

/**
 * The transport as Node's TLS socket sees it while the handshake runs. When
 * a handshake fails, Node writes the alert and destroys the TLS socket in the
 * same call, and the Duplex under it aborts its flow at once, dropping the
 * alert it was still carrying (a memory flow discards queued data on abort).
 * So until the handshake has succeeded, `abort` from that side is ignored and
 * the handshake decides how the transport ends ({@link endFailedHandshake});
 * after {@link HandshakeTransport.release} everything passes through.
 */
export class HandshakeTransport extends ForwardingFlow {
  #held = true;
  #halfClosed: Promise<WriteResult> | undefined;

  /** The flow TLS runs over. */
  get transport(): Flow {
    return this.inner;
  }

  /** The handshake succeeded: from now on `abort` reaches the inner flow. */
  release(): void {
    this.#held = false;
  }

  /** The flow failed after the handshake: the TLS socket's teardown must not cut its alert off. */
  hold(): void {
    this.#held = true;
  }

  override abort(reason?: unknown): void {
    if (!this.#held) this.inner.abort(reason);
  }

  /**
   * Ends the inner flow's write side once close_notify went out, and tells
   * Node's TLS socket `ok` whatever the inner flow answered: a refusal (a
   * transport that cannot half-close) must not destroy the stream under TLS,
   * which would abort the inner flow and lose the peer's answer. The real
   * answer is {@link HandshakeTransport.innerCloseWrite}, which
   * `TlsFlow.closeWrite` returns; a connection that failed shows on reads.
   */
  override closeWrite(): Promise<WriteResult> {
    return this.innerCloseWrite().then(() => ok());
  }

  /** The inner flow's `closeWrite()` result (started by the first call, the same every call). */
  innerCloseWrite(): Promise<WriteResult> {
    this.#halfClosed ??= this.inner.closeWrite();
    return this.#halfClosed;
  }
}

/** OpenSSL failed the handshake itself, so it may have queued an alert saying why. */
export function mayHaveSentAlert(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_SSL_');
}

/**
 * Ends the transport of a failed handshake. With `alert`, closes it
 * gracefully so the alert leaves before end-of-stream and the peer learns why
 * (`no ALPN protocol in common` rather than a bare reset), and aborts it if
 * that has not finished within {@link ALERT_FLUSH_MS} (a peer that never
 * closes its side). Otherwise aborts it at once.
 */
export function endFailedHandshake(inner: Flow, reason: unknown, alert: boolean): void {
  if (!alert) {
    inner.abort(reason);
    return;
  }
  const timer = setTimeout(() => inner.abort(reason), ALERT_FLUSH_MS);
  // Never keep a process alive just to be polite to a silent peer.
  timer.unref();
  void inner.close().then(() => clearTimeout(timer));
}
