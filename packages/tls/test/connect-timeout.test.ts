import { EOF } from '@flowkit/flow-types';
import * as tcp from '@flowkit/tcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, wrapServer } from '../src/index.js';
import { type CertMatrix, makeCertMatrix } from './support/certs.js';

let m: CertMatrix;
beforeAll(() => {
  m = makeCertMatrix();
});
afterAll(() => m.cleanup());

/** A plain TCP listener that accepts and then never says a word. */
async function silentServer(): Promise<{ port: number; stop: () => Promise<void> }> {
  const l = await tcp.listen({ host: '127.0.0.1', port: 0 });
  if (!l.ok) throw new Error(l.error.message);
  const accepted: tcp.TcpFlow[] = [];
  void (async () => {
    for await (const f of l.value) accepted.push(f);
  })();
  return {
    port: l.value.address.port,
    stop: async () => {
      await l.value.close();
      for (const f of accepted) f.abort();
    },
  };
}

describe('connect: timeout bounds the TCP connect and the TLS handshake together', () => {
  it('a server that accepts TCP and never answers the handshake: timeout, not a hang', async () => {
    const server = await silentServer();
    try {
      const r = await connect({ host: '127.0.0.1', port: server.port, ca: m.root.cert, timeout: 200 });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.type).toBe('timeout');
        expect(r.error.message).toContain('timed out');
      }
    } finally {
      await server.stop();
    }
  });

  it('the caller’s signal still wins over the timeout: aborted', async () => {
    const server = await silentServer();
    try {
      const c = new AbortController();
      const pending = connect({
        host: '127.0.0.1',
        port: server.port,
        ca: m.root.cert,
        timeout: 60_000,
        signal: c.signal,
      });
      c.abort(new Error('changed my mind'));
      const r = await pending;
      expect(!r.ok && r.error.type).toBe('aborted');
    } finally {
      await server.stop();
    }
  });

  it('a good server within the timeout: a working flow, and no timer left behind', async () => {
    const l = await tcp.listen({ host: '127.0.0.1', port: 0 });
    if (!l.ok) throw new Error(l.error.message);
    const served = (async () => {
      const a = await l.value.accept();
      if (!a.ok) return;
      const s = await wrapServer(a.value, { cert: m.good.chain, key: m.good.key });
      if (!s.ok) return;
      const r = await s.value.read();
      if (r.ok && r.value !== EOF) await s.value.write(r.value);
      await s.value.close();
    })();
    const r = await connect({
      host: '127.0.0.1',
      port: l.value.address.port,
      ca: m.root.cert,
      timeout: 30_000,
    });
    expect(r.ok).toBe(true);
    if (r.ok) {
      await r.value.write(new Uint8Array([7]));
      const echo = await r.value.read();
      expect(echo.ok && echo.value !== EOF && [...echo.value]).toEqual([7]);
      await r.value.close();
    }
    await served;
    await l.value.close();
  });
});
