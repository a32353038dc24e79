import { type ConnectError, formatError, type ListenError } from '@flowkit/flow-types';

/**
 * OpenSSL's codes for a first record that is not TLS at all: a plaintext
 * client on a TLS port (its bytes read as a record header with a nonsense
 * version or length), or an HTTP request. OpenSSL files them under "wrong
 * version number", which `@flowkit/tls` words as "no TLS version in common";
 * to a person running flowcat the useful fact is that the peer spoke no TLS.
 */
const NOT_TLS = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_HTTP_REQUEST',
  'ERR_SSL_HTTPS_PROXY_REQUEST',
  'ERR_SSL_UNKNOWN_PROTOCOL',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_RECORD_LENGTH_MISMATCH',
]);

/** What Node's `ERR_TLS_CERT_ALTNAME_INVALID` carries besides its message. */
interface AltnameError {
  readonly host?: unknown;
  readonly cert?: { readonly subjectaltname?: unknown; readonly subject?: { readonly CN?: unknown } };
}

function codeOf(e: { readonly code?: string; readonly cause?: unknown }): string | undefined {
  if (e.code !== undefined) return e.code;
  const c = (e.cause as { code?: unknown } | null | undefined)?.code;
  return typeof c === 'string' ? c : undefined;
}

/** The names a certificate is for: its subjectAltName list, else its subject CN. */
function certificateNames(cause: AltnameError | undefined): string | undefined {
  const san = cause?.cert?.subjectaltname;
  if (typeof san === 'string' && san !== '') return san;
  const cn = cause?.cert?.subject?.CN;
  return typeof cn === 'string' && cn !== '' ? `CN=${cn}` : undefined;
}

/**
 * One line for a TLS dial or handshake error, as `formatError` gives it,
 * except for two cases where flowcat knows better words:
 *
 * - a wrong host name: "certificate of <the certificate's names> does not
 *   match the expected host name <servername>" (each name in its place);
 * - a peer that sent no TLS at all: "the peer did not speak TLS".
 */
export function formatTlsError(error: ConnectError | ListenError): string {
  const code = codeOf(error);
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const cause = error.cause as AltnameError | undefined;
    const names = certificateNames(cause);
    const host = typeof cause?.host === 'string' ? cause.host : undefined;
    if (names !== undefined && host !== undefined) {
      return `certificate: certificate of ${names} does not match the expected host name ${host} (${code})`;
    }
  }
  if (code !== undefined && NOT_TLS.has(code)) {
    return `handshake: the peer did not speak TLS: its first bytes are not a TLS handshake (plain TCP or HTTP?) (${code})`;
  }
  return formatError(error);
}
