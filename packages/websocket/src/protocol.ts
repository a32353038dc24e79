/**
 * The `flowkit.v1` WebSocket subprotocol: what goes on the wire. The README
 * ("The flowkit.v1 subprotocol") is the specification; this file is its
 * constants. Runtime-neutral.
 */

/** The name offered and selected in `Sec-WebSocket-Protocol` to turn half-close on. */
export const SUBPROTOCOL = 'flowkit.v1';

/**
 * The one control message of `flowkit.v1`: a text message with exactly this
 * payload is end-of-stream for the direction it travels in (the sender's
 * `closeWrite`). Any other text message is a protocol error.
 */
export const END_OF_STREAM = 'eof';

/**
 * The WebSocket close codes (RFC 6455 §7.4.1) flowkit sends and how it reads
 * the ones it receives. {@link closeCodeError} is the mapping.
 */
export const CloseCode = {
  /** Both directions ended cleanly: the reader gets `EOF`. */
  normal: 1000,
  /** A browser left the page or a server went down: `reset`. */
  goingAway: 1001,
  /** The peer broke the framing or the subprotocol: `protocol`. */
  protocolError: 1002,
  /** The peer sent a text message where only binary carries data: `protocol`. */
  unsupportedData: 1003,
  /** A Close frame without a code (the browser's bare `close()`): read as normal, `EOF`. */
  noStatus: 1005,
  /** Never on the wire: the connection dropped without a Close frame (`abort()`): `reset`. */
  abnormal: 1006,
  /** A message larger than the receiver accepts: `protocol`. */
  messageTooBig: 1009,
  /**
   * A browser's `abort()`: browsers cannot drop a connection without the
   * closing handshake, so they close with this code instead: `reset`.
   */
  aborted: 4000,
  /** 1002 as a browser sends it (browsers may only send 1000 and 3000–4999): `protocol`. */
  browserProtocolError: 4002,
  /** 1003 as a browser sends it: `protocol`. */
  browserUnsupportedData: 4003,
} as const;

/**
 * The largest message flowkit sends: writes are cut into messages of at
 * most this many bytes (1 MiB), the receive limit of Python `websockets`,
 * the strictest common default. Message boundaries carry no meaning.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * Whether a Close code ends the stream cleanly. 1000, and 1005 (a Close frame
 * with no code, what a browser's bare `close()` sends), are clean; everything
 * else is an error.
 */
export function isCleanClose(code: number): boolean {
  return code === CloseCode.normal || code === CloseCode.noStatus;
}

/** Error types a received Close code maps to. */
export type CloseErrorType = 'reset' | 'protocol';

const PROTOCOL_CODES = new Set([1002, 1003, 1007, 1009, 1010, 4002, 4003]);

/**
 * The error type of an unclean Close code: `protocol` for codes that say the
 * bytes on the wire were wrong (1002, 1003, 1007 invalid UTF-8, 1009 too big,
 * 1010 missing extension, and 4002/4003, a browser's 1002/1003), `reset` for
 * every other code (1001 going away, 1006 dropped, 1011 server error,
 * 1012–1014, 4000 a browser's abort, other application codes).
 */
export function closeErrorType(code: number): CloseErrorType {
  return PROTOCOL_CODES.has(code) ? 'protocol' : 'reset';
}

/** Says a Close code in words, for messages: `1001 (going away)`. */
export function describeCloseCode(code: number): string {
  const name = CLOSE_CODE_NAMES[code];
  return name === undefined ? String(code) : `${code} (${name})`;
}

const CLOSE_CODE_NAMES: Record<number, string> = {
  1000: 'normal closure',
  1001: 'going away',
  1002: 'protocol error',
  1003: 'unsupported data',
  1005: 'no status',
  1006: 'dropped without a Close frame',
  1007: 'invalid payload data',
  1008: 'policy violation',
  1009: 'message too big',
  1010: 'mandatory extension',
  1011: 'internal error',
  1012: 'service restart',
  1013: 'try again later',
  1014: 'bad gateway',
  1015: 'TLS handshake failure',
  4000: 'aborted by a browser flow',
  4002: 'protocol error, from a browser',
  4003: 'unsupported data, from a browser',
};
