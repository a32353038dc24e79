import { Duplex } from 'node:stream';

/**
 * The hand-made baseline for the memory transport: two core `Duplex` streams
 * joined back to back. A write is pushed straight into the other side's
 * readable buffer and acknowledged synchronously while that buffer has room;
 * when it is full the acknowledgement waits for the reader's next `_read`,
 * so `write()` returning false and `'drain'` work as on a socket.
 */
class Half extends Duplex {
  peer: Half | undefined;
  /** The acknowledgement held back while the peer's readable buffer is full. */
  private pending: (() => void) | undefined;

  override _read(): void {
    const resume = this.pending;
    if (resume === undefined) return;
    this.pending = undefined;
    resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const peer = this.peer!;
    if (peer.push(chunk)) callback();
    else peer.pending = () => callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.peer!.push(null);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const resume = this.pending;
    this.pending = undefined;
    resume?.();
    callback(error);
  }
}

/** Two connected core `Duplex` streams: what one writes, the other reads. */
export function corePair(): [Duplex, Duplex] {
  const a = new Half();
  const b = new Half();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
