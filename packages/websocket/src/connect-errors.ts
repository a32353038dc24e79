import type { ConnectError } from '@flowkit/flow-types';
import { connectErrorFromNode } from '@flowkit/socket';
import { SUBPROTOCOL } from './protocol.js';

/**
 * Node/OpenSSL codes that mean a certificate was rejected: the server's by
 * this end, or ours by the server (mutual TLS). They become `certificate`
 * errors; Node's own message says which rule failed.
 */
const CERTIFICATE_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'CERT_CHAIN_TOO_LONG',
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
]);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function detail(error: unknown): string {
  return error instanceof Error && error.message !== '' ? error.message : String(error);
}

/**
 * Maps an error before the WebSocket opened to a {@link ConnectError} naming
 * the URL:
 *
 * | what failed | type |
 * |---|---|
 * | a certificate (`CERT_HAS_EXPIRED`, `ERR_TLS_CERT_ALTNAME_INVALID`, `DEPTH_ZERO_SELF_SIGNED_CERT`…, or the server refused ours) | `certificate` |
 * | another TLS failure (`ERR_SSL_*`, `EPROTO`: no common version…) | `handshake` |
 * | the HTTP upgrade (a bad `Sec-WebSocket-Accept`, no subprotocol selected) | `handshake` |
 * | the TCP dial (`ECONNREFUSED`, `ENOTFOUND`…) | as `@flowkit/tcp`: `refused`, `not-found`… |
 */
export function connectFailure(error: unknown, url: string): ConnectError {
  const code = codeOf(error);
  const withCode = code === undefined ? { cause: error } : { code, cause: error };
  if (code !== undefined && CERTIFICATE_CODES.has(code)) {
    return {
      type: 'certificate',
      message: `certificate check for ${url} failed: ${detail(error)}`,
      ...withCode,
    };
  }
  // Node reports an OpenSSL alert during the handshake as EPROTO.
  if (code?.startsWith('ERR_SSL_') || code?.startsWith('ERR_TLS_') || code === 'EPROTO') {
    return { type: 'handshake', message: `TLS handshake with ${url} failed: ${detail(error)}`, ...withCode };
  }
  if (code === undefined && error instanceof Error) {
    // `ws` reports a failed upgrade as a plain Error, without a code.
    const hint = /no subprotocol/i.test(error.message)
      ? `: the server does not speak ${SUBPROTOCOL}; pass halfClose: false to talk plain WebSocket`
      : '';
    return {
      type: 'handshake',
      message: `WebSocket handshake with ${url} failed: ${error.message}${hint}`,
      cause: error,
    };
  }
  return connectErrorFromNode(error, url);
}

/** The server answered the upgrade request with an HTTP status instead of 101. */
export function unexpectedResponse(status: number, statusText: string, url: string): ConnectError {
  return {
    type: 'handshake',
    message: `WebSocket handshake with ${url} failed: the server answered HTTP ${status}${statusText === '' ? '' : ` ${statusText}`} instead of switching protocols`,
  };
}
