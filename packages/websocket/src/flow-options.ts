import { integer, type OptionsOf } from '@flowkit/kernel';
import { DEFAULT_MAX_MESSAGE_BYTES } from './protocol.js';
import type { WebSocketFlowLimits } from './websocket-flow.js';

/** Bytes received and not yet read above which reading pauses: 1 MiB. */
export const DEFAULT_READ_HIGH_WATER_MARK = 1024 * 1024;
/** Bytes sent and not yet handed to the transport above which writes wait: 1 MiB. */
export const DEFAULT_WRITE_HIGH_WATER_MARK = 1024 * 1024;

/** The flow limits every entry point takes (Node and browser alike). */
export interface WebSocketFlowOptions {
  /**
   * Bytes received and not yet read above which the socket stops reading
   * (TCP backpressure reaches the peer). A single message can go past it.
   * Browsers cannot pause a `WebSocket`, so there it only bounds nothing
   * (see the README). Default 1 MiB.
   */
  readonly readHighWaterMark?: number;
  /**
   * Bytes sent and not yet handed to the transport above which `write`
   * waits (on `ws`'s send callbacks; in browsers on `bufferedAmount`).
   * Default 1 MiB.
   */
  readonly writeHighWaterMark?: number;
  /**
   * The largest message this end sends, in bytes: writes are cut into
   * messages of at most this size. Default 1 MiB (Python `websockets`
   * refuses larger messages by default).
   */
  readonly maxMessageBytes?: number;
}

/** The option table of {@link WebSocketFlowOptions}. */
export const flowOptionTable = {
  readHighWaterMark: integer({ min: 1 }),
  writeHighWaterMark: integer({ min: 1 }),
  maxMessageBytes: integer({ min: 1, max: 2 ** 31 - 1 }),
} as const;

/** The limits a flow gets, defaults filled in. */
export function flowLimits(options: OptionsOf<typeof flowOptionTable>): WebSocketFlowLimits {
  return {
    readHighWaterMark: options.readHighWaterMark ?? DEFAULT_READ_HIGH_WATER_MARK,
    writeHighWaterMark: options.writeHighWaterMark ?? DEFAULT_WRITE_HIGH_WATER_MARK,
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
  };
}
