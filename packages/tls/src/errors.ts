import type { ConnectError, FlowError } from '@flowkit/flow-types';

/** Why the peer's certificate was rejected, by Node/OpenSSL code. */
const CERTIFICATE_REASONS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'has expired',
  CERT_NOT_YET_VALID: 'is not yet valid (its start date is in the future)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'does not match the expected host name',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'is self-signed and not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'chains to a root certificate that is not trusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'was issued by a CA that is not trusted',
  UNABLE_TO_GET_ISSUER_CERT: 'was issued by a CA that is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    'cannot be verified: the chain is incomplete (the intermediate certificate is missing) or its issuer is not trusted',
  CERT_UNTRUSTED: 'is not trusted for this purpose',
  CERT_REVOKED: 'has been revoked',
  CERT_SIGNATURE_FAILURE: 'has an invalid signature',
  INVALID_CA: 'chains through a certificate that is not a valid CA',
  INVALID_PURPOSE: 'is not meant for this use (key usage)',
  CERT_CHAIN_TOO_LONG: 'chain is too long',
  ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE:
    'is missing: the client sent no certificate, but one is required',
};

/** Alerts from the peer saying it rejected *our* certificate (mutual TLS). */
const PEER_REJECTED_OURS: Record<string, string> = {
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'the server requires a client certificate and none was sent',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'the peer does not trust the CA that issued our certificate',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'the peer rejected our certificate (bad certificate)',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: 'the peer says our certificate has expired',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN: 'the peer rejected our certificate (certificate unknown)',
  ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR: 'the peer could not verify our certificate signature',
};

/** Alerts that end a handshake without saying exactly why. */
const PEER_REFUSED: Record<string, string> = {
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE:
    'the peer refused the handshake (handshake_failure alert; a server that requires a client certificate sends it when none was sent)',
  ERR_SSL_TLSV1_ALERT_ACCESS_DENIED: 'the peer denied access (access_denied alert)',
  ERR_SSL_TLSV1_ALERT_INSUFFICIENT_SECURITY: 'no cipher suite in common that both ends accept',
  ERR_SSL_NO_SHARED_CIPHER: 'no cipher suite in common',
};

/**
 * OpenSSL's codes for a first record that is not TLS at all: a plaintext
 * client on a TLS port (its bytes read as a record header with a nonsense
 * version or length), or an HTTP request.
 */
const NOT_TLS_CODES = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_HTTP_REQUEST',
  'ERR_SSL_HTTPS_PROXY_REQUEST',
  'ERR_SSL_UNKNOWN_PROTOCOL',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_RECORD_LENGTH_MISMATCH',
]);

const VERSION_CODES = new Set([
  'ERR_SSL_UNSUPPORTED_PROTOCOL',
  'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
  'ERR_SSL_NO_PROTOCOLS_AVAILABLE',
  'ERR_SSL_UNSUPPORTED_SSL_VERSION',
]);

function codeOf(error: unknown): string | undefined {
  const c = (error as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : undefined;
}

function detail(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The flowkit error a toNodeDuplex stream carries as `cause`, if any. */
export function innerFlowError(error: unknown): FlowError | undefined {
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (typeof cause === 'object' && cause !== null && 'type' in cause && 'message' in cause) {
    return cause as FlowError;
  }
  return undefined;
}

/**
 * Maps a failed TLS handshake to a {@link ConnectError}: `certificate` when a
 * certificate was rejected (ours or theirs), `handshake` otherwise. The
 * message names the peer and the reason; `code` keeps Node's code.
 */
export function handshakeError(error: unknown, peer: string): ConnectError {
  const code = codeOf(error);
  const c = code ?? '';
  const withCode = <T extends ConnectError>(e: T): T =>
    code === undefined ? { ...e, cause: error } : { ...e, code, cause: error };
  if (c === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    // Each name in its place: the certificate's names, then the one expected
    // (the peer is named by its address, not by the name it failed to match).
    const { host, cert } = error as {
      host?: unknown;
      cert?: { subjectaltname?: unknown; subject?: { CN?: unknown } };
    };
    const names =
      typeof cert?.subjectaltname === 'string' && cert.subjectaltname !== ''
        ? cert.subjectaltname
        : typeof cert?.subject?.CN === 'string'
          ? `CN=${cert.subject.CN}`
          : undefined;
    if (typeof host === 'string' && names !== undefined) {
      const at = /\(([^()]*)\)$/.exec(peer)?.[1] ?? peer;
      return withCode({
        type: 'certificate',
        message: `certificate of ${at} does not match the expected host name: it is for ${names}, not for ${host} (${c})`,
      });
    }
  }
  if (NOT_TLS_CODES.has(c)) {
    return withCode({
      type: 'handshake',
      message: `TLS handshake with ${peer} failed: the peer did not speak TLS (its first bytes are not a TLS record: plain TCP or HTTP?) (${c})`,
    });
  }
  const certReason = CERTIFICATE_REASONS[c];
  if (certReason !== undefined) {
    const extra = c === 'ERR_TLS_CERT_ALTNAME_INVALID' ? `: ${detail(error)}` : '';
    return withCode({ type: 'certificate', message: `certificate of ${peer} ${certReason}${extra} (${c})` });
  }
  const ours = PEER_REJECTED_OURS[c];
  if (ours !== undefined) {
    return withCode({ type: 'certificate', message: `TLS handshake with ${peer} failed: ${ours} (${c})` });
  }
  const refused = PEER_REFUSED[c];
  if (refused !== undefined) {
    return withCode({ type: 'handshake', message: `TLS handshake with ${peer} failed: ${refused} (${c})` });
  }
  if (VERSION_CODES.has(c)) {
    return withCode({
      type: 'handshake',
      message: `TLS handshake with ${peer} failed: no TLS version in common; this end requires TLS 1.2 or later (${c})`,
    });
  }
  if (c === 'ERR_SSL_NO_APPLICATION_PROTOCOL' || c === 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL') {
    return withCode({
      type: 'handshake',
      message: `TLS handshake with ${peer} failed: no ALPN protocol in common (${c})`,
    });
  }
  const inner = innerFlowError(error);
  if (inner !== undefined) {
    // Node's TLS server rejects a bad client certificate by closing after the
    // handshake, without an alert, so a client only sees its transport go.
    return {
      type: inner.type === 'timeout' ? 'timeout' : 'handshake',
      message: `TLS handshake with ${peer} failed: the transport failed before the handshake finished (${inner.message}); a peer that rejects our certificate or our ALPN list without an alert ends this way`,
      ...(inner.code === undefined ? {} : { code: inner.code }),
      cause: error,
    };
  }
  if (c === 'ECONNRESET' || c === 'EPIPE') {
    return withCode({
      type: 'handshake',
      message: `TLS handshake with ${peer} failed: the connection closed before the handshake finished`,
    });
  }
  return withCode({ type: 'handshake', message: `TLS handshake with ${peer} failed: ${short(error)}` });
}

/** OpenSSL's messages carry source paths and addresses; keep the reason. */
function short(error: unknown): string {
  const reason = (error as { reason?: unknown } | null)?.reason;
  const code = codeOf(error);
  if (typeof reason === 'string') return code === undefined ? reason : `${reason} (${code})`;
  const text = detail(error);
  if (/:error:[0-9A-F]+:/.test(text)) return code ?? 'TLS error';
  return text;
}

/** Maps an error on an established TLS flow to a {@link FlowError}. */
export function tlsFlowError(error: unknown, peer: string): FlowError {
  const inner = innerFlowError(error);
  if (inner !== undefined) return inner;
  const code = codeOf(error);
  const c = code ?? '';
  let type: FlowError['type'] = 'io';
  let message = `TLS connection to ${peer} failed: ${detail(error)}`;
  if (c === 'ECONNRESET' || c === 'EPIPE') {
    type = 'reset';
    message = `TLS connection to ${peer} was reset`;
  } else if (c === 'ERR_TLS_SESSION_ATTACK') {
    type = 'protocol';
    message = `TLS connection to ${peer} failed: the peer asked to renegotiate too often (${c})`;
  } else if (c === 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE') {
    // After the handshake the only handshake left to fail is a renegotiation:
    // an OpenSSL peer sends this alert when ours refuses one.
    type = 'protocol';
    message = `TLS connection to ${peer} failed: the peer ended the connection with a handshake_failure alert, as after a refused renegotiation (renegotiation is always refused) (${c})`;
  } else if (c.startsWith('ERR_SSL_')) {
    type = 'protocol';
    const ours = PEER_REJECTED_OURS[c] ?? PEER_REFUSED[c];
    message = `TLS connection to ${peer} failed: ${ours ?? short(error)}${ours === undefined ? '' : ` (${c})`}`;
  }
  return { type, message, ...(code === undefined ? {} : { code }), cause: error };
}
