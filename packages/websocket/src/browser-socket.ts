import type { MessageSink, MessageSocket } from './message-socket.js';
import { CloseCode } from './protocol.js';

/** How often a browser socket checks `bufferedAmount` while sends are pending, in ms. */
const POLL_MS = 4;

const encoder = new TextEncoder();

/**
 * Browsers may only send 1000 and 3000–4999 (`close(1002)` throws), so the
 * codes of a protocol violation go out as their 4xxx twins.
 */
function browserCode(code: number): number {
  if (code === CloseCode.protocolError) return CloseCode.browserProtocolError;
  if (code === CloseCode.unsupportedData) return CloseCode.browserUnsupportedData;
  return code;
}

/**
 * Adapts an open platform `WebSocket` (browsers, Deno) to a
 * {@link MessageSocket}. The platform has no send callback: a message counts
 * as handed on once `bufferedAmount` shows its last byte left, checked every
 * few ms while sends are pending. It cannot pause reading (no backpressure
 * from a slow reader) and cannot drop a connection without the closing
 * handshake: `terminate` closes with code 4000, which peers read as `reset`.
 */
export function browserMessageSocket(ws: WebSocket): MessageSocket {
  /** Bytes given to `send` so far, and the pending messages' cumulative ends. */
  let given = 0;
  const pending: { readonly end: number; readonly done: (error?: unknown) => void }[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  const check = (): void => {
    timer = undefined;
    const left = given - ws.bufferedAmount;
    while (pending.length > 0 && pending[0]!.end <= left) pending.shift()!.done();
    if (pending.length > 0) timer = setTimeout(check, POLL_MS);
  };
  const track = (bytes: number, done: (error?: unknown) => void): void => {
    given += bytes;
    pending.push({ end: given, done });
    if (timer === undefined) timer = setTimeout(check, 0);
  };
  const send = (data: Uint8Array | string, bytes: number, done: (error?: unknown) => void): void => {
    if (ws.readyState !== 1) {
      done(new Error(`WebSocket is not open (readyState ${ws.readyState})`));
      return;
    }
    ws.send(data as Uint8Array<ArrayBuffer>);
    track(bytes, done);
  };

  return {
    protocol: ws.protocol,
    sendBinary: (data, done) => send(data, data.byteLength, done),
    sendText: (text, done) => send(text, encoder.encode(text).byteLength, done),
    close: (code, reason) => ws.close(browserCode(code), reason),
    terminate: () => ws.close(CloseCode.aborted, 'flowkit: aborted'),
    pause: () => {},
    resume: () => {},
    start(sink: MessageSink) {
      ws.addEventListener('message', (event: MessageEvent) => {
        const data: unknown = event.data;
        if (typeof data === 'string') sink.onText(data);
        else if (data instanceof ArrayBuffer) sink.onBinary(new Uint8Array(data));
      });
      // The 'close' that follows says how the connection ended; see browser-connect.ts.
      ws.addEventListener('error', () => {});
      ws.addEventListener('close', (event: CloseEvent) => {
        if (timer !== undefined) clearTimeout(timer);
        timer = undefined;
        // After a clean close every byte sent before it was delivered.
        const error = event.wasClean ? undefined : new Error(`WebSocket closed with code ${event.code}`);
        for (const message of pending.splice(0)) message.done(error);
        sink.onClose(event.code, event.reason, undefined);
      });
    },
  };
}
