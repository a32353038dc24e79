import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { readableEnded } from './node-internals.js';

/** Set once the transport ended before close_notify: reads then return `truncated`, not `EOF`. */
export interface Truncation {
  truncated: boolean;
}

/**
 * Tells close_notify from a bare EOF, at the moment the inner stream's EOF is
 * about to reach TLS. Race-free because nothing here depends on timing:
 *
 * - Order, not time: the inner stream emits 'end' only after its last
 *   'data', and this listener is prepended, so it runs before the 'end'
 *   listener of Node's JSStreamSocket, which is what hands the EOF to the
 *   TLS handle (`emitEOF` → TLSWrap::OnStreamRead(UV_EOF)).
 * - Every inner 'data' is decrypted synchronously, whole: TLSWrap::
 *   OnStreamRead → Cycle → ClearOut calls SSL_read until OpenSSL has no
 *   complete record left, and on close_notify (SSL_ERROR_ZERO_RETURN) pushes
 *   null onto the TLS readable side there and then. A paused TLS socket does
 *   not hold this back (ClearOut does not look at it); backpressure only
 *   stops further inner 'data', and with it the inner 'end'.
 * - {@link readableEnded} is set by that push itself, not by the 'end'
 *   event, which waits for the reader and would be racy.
 *
 * So when the inner 'end' fires, the TLS side has ended iff close_notify came
 * before it; otherwise the transport ended first: truncation.
 */
export function watchTruncation(inner: Duplex, socket: () => TLSSocket | undefined): Truncation {
  const truncation = { truncated: false };
  inner.prependListener('end', () => {
    const s = socket();
    if (s === undefined || !readableEnded(s)) truncation.truncated = true;
  });
  return truncation;
}
