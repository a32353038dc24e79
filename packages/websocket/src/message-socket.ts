/**
 * What {@link WebSocketFlow} needs from a WebSocket, so that one flow serves
 * both `ws` on Node and the platform `WebSocket` in browsers: send a message
 * and learn when it left, close with a code or drop, pause reading. Each
 * runtime adapts its socket to this (`ws-socket.ts`, `browser-socket.ts`).
 */
export interface MessageSocket {
  /** The subprotocol the opening handshake selected, `''` for none. */
  readonly protocol: string;
  /**
   * Sends one binary message. `done` runs once, when the message was handed
   * to the transport (with no argument, `undefined` or `null`), or with the
   * error that stopped it; messages leave in call order.
   */
  sendBinary(data: Uint8Array, done: (error?: unknown) => void): void;
  /** Sends one text message, with the same `done` rule. */
  sendText(text: string, done: (error?: unknown) => void): void;
  /** Starts the closing handshake with `code`; the sink's `onClose` runs when it is over. */
  close(code: number, reason: string): void;
  /** Drops the connection without a Close frame; `onClose` still runs (code 1006). */
  terminate(): void;
  /** Stops reading from the network (no effect where the runtime cannot). */
  pause(): void;
  /** Reads from the network again. */
  resume(): void;
  /** Starts delivering events to `sink`; called once. */
  start(sink: MessageSink): void;
}

/** Where a {@link MessageSocket} delivers what it receives. */
export interface MessageSink {
  /** A binary message's payload (the buffer is the sink's to keep). */
  onBinary(data: Uint8Array): void;
  /** A text message. */
  onText(text: string): void;
  /**
   * The connection is gone: `code` from the peer's Close frame (1005 for a
   * frame without one, 1006 when there was none), and the transport's
   * error, if one came first (a framing error, a reset socket). Runs once.
   */
  onClose(code: number, reason: string, error: unknown): void;
}
