import { describe, expect, it } from 'vitest';
import { tcpPair } from './helpers.js';

// read's and close's options are read as own properties (SPEC), like every
// option: ReadQueue.read and SocketFlow.close read their signal with the
// kernel's signalOption, so a polluted Object.prototype.signal changes nothing.
describe('SocketFlow read and close options', () => {
  it('close({}) ignores a polluted Object.prototype.signal: it still waits for the remote', async () => {
    const { a, b, listener } = await tcpPair();
    try {
      const proto = Object.prototype as Record<string, unknown>;
      proto.signal = AbortSignal.abort(new Error('polluted'));
      let closing: Promise<void>;
      try {
        closing = a.close({});
      } finally {
        delete proto.signal;
      }
      const early = await Promise.race([
        closing.then(() => 'resolved'),
        new Promise<string>((resolve) => setTimeout(() => resolve('waiting'), 50)),
      ]);
      expect(early).toBe('waiting');
      await b.close();
      await closing;
    } finally {
      a.abort();
      b.abort();
      await listener.close();
    }
  });

  it('read({}) ignores a polluted Object.prototype.signal', async () => {
    const { a, b, listener } = await tcpPair();
    try {
      await a.write(new Uint8Array([1]));
      const proto = Object.prototype as Record<string, unknown>;
      proto.signal = AbortSignal.abort(new Error('polluted'));
      let reading: ReturnType<typeof b.read>;
      try {
        reading = b.read({});
      } finally {
        delete proto.signal;
      }
      const r = await reading;
      expect(r.ok).toBe(true);
    } finally {
      a.abort();
      b.abort();
      await listener.close();
    }
  });
});
