import type { RawData, WebSocket } from 'ws';
import type { MessageSink, MessageSocket } from './message-socket.js';

const BINARY = { binary: true, compress: false, fin: true } as const;
const TEXT = { binary: false, compress: false, fin: true } as const;

function bufferOf(data: RawData): Buffer {
  // binaryType is 'nodebuffer' (the default): one Buffer per message.
  return Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
}

/**
 * Adapts an open `ws` WebSocket to a {@link MessageSocket}: `send` with its
 * callback (called once the frame was written to the socket), `pause()` /
 * `resume()` on the underlying socket (ws ≥ 8), `terminate()` to drop it.
 */
export function wsMessageSocket(ws: WebSocket): MessageSocket {
  return {
    protocol: ws.protocol,
    sendBinary: (data, done) => ws.send(data, BINARY, done),
    sendText: (text, done) => ws.send(text, TEXT, done),
    close: (code, reason) => ws.close(code, reason),
    terminate: () => ws.terminate(),
    pause: () => ws.pause(),
    resume: () => ws.resume(),
    start(sink: MessageSink) {
      let firstError: unknown;
      ws.on('message', (data, isBinary) => {
        if (isBinary) sink.onBinary(bufferOf(data));
        else sink.onText(bufferOf(data).toString('utf8'));
      });
      // `ws` emits 'error' (a framing error, a reset socket) before 'close'.
      ws.on('error', (error) => {
        firstError ??= error;
      });
      ws.on('close', (code, reason) => sink.onClose(code, reason.toString(), firstError));
    },
  };
}
