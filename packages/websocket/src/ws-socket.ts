import type { RawData, WebSocket } from 'ws';
import type { MessageSink, MessageSocket } from './message-socket.js';

const BINARY = { binary: true, compress: false, fin: true } as const;
const TEXT = { binary: false, compress: false, fin: true } as const;

function bufferOf(data: RawData): Buffer {
  // binaryType is 'nodebuffer' (the default): one Buffer per message.
  return Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
}

/**
 * The one reach into `ws` internals: `WebSocket._socket`, the `net.Socket`
 * (or `tls.TLSSocket`) under an open WebSocket. Node completes a write on a
 * socket that was already destroyed with `callback(null)`, as if it had
 * succeeded (`onWriteComplete` in `stream_base_commons`), so a send callback
 * alone cannot tell a delivered message from one dropped by a reset. Checked
 * when each socket is adapted, so a `ws` upgrade that moves it fails loudly.
 */
function underlyingSocket(ws: WebSocket): { readonly destroyed: boolean } {
  const socket = (ws as unknown as { _socket?: { destroyed?: unknown } })._socket;
  if (typeof socket !== 'object' || socket === null || typeof socket.destroyed !== 'boolean') {
    throw new Error(
      '@flowkit/websocket: this version of ws has no WebSocket._socket net.Socket; it is not supported',
    );
  }
  return socket as { readonly destroyed: boolean };
}

/**
 * Adapts an open `ws` WebSocket to a {@link MessageSocket}: `send` with its
 * callback (called once the frame was written to the socket), `pause()` /
 * `resume()` on the underlying socket (ws ≥ 8), `terminate()` to drop it.
 */
export function wsMessageSocket(ws: WebSocket): MessageSocket {
  const socket = underlyingSocket(ws);
  const completed =
    (done: (error?: unknown) => void) =>
    (error?: Error | null): void =>
      done(
        error ??
          (socket.destroyed
            ? new Error('the socket was destroyed before the message was written')
            : undefined),
      );
  return {
    protocol: ws.protocol,
    sendBinary: (data, done) => ws.send(data, BINARY, completed(done)),
    sendText: (text, done) => ws.send(text, TEXT, completed(done)),
    close: (code, reason) => ws.close(code, reason),
    terminate: () => ws.terminate(),
    pause: () => ws.pause(),
    resume: () => ws.resume(),
    start(sink: MessageSink) {
      let firstError: unknown;
      ws.on('message', (data, isBinary) => {
        if (isBinary) {
          // A plain Uint8Array view, not the Buffer: Buffer's slice() is a view, not the copy the Uint8Array contract promises.
          const b = bufferOf(data);
          sink.onBinary(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
        } else sink.onText(bufferOf(data).toString('utf8'));
      });
      // `ws` emits 'error' (a framing error, a reset socket) before 'close'.
      ws.on('error', (error) => {
        firstError ??= error;
      });
      ws.on('close', (code, reason) => sink.onClose(code, reason.toString(), firstError));
    },
  };
}
