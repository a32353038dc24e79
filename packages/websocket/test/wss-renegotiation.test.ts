import { once } from 'node:events';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { WebSocketServer } from 'ws';
import { type CertMatrix, makeCertMatrix } from '../../tls/test/support/certs.js';
import { connect, listen } from '../src/index.js';

// wss: has the secure defaults of @flowkit/tls: TLS 1.2 renegotiation is
// refused both ways (SSL_OP_NO_RENEGOTIATION), so no peer can make this end
// run a second handshake.

let certs: CertMatrix;
beforeAll(() => {
  certs = makeCertMatrix();
});
afterAll(() => certs.cleanup());

/** Asks for a renegotiation; Node reports a refused one on 'error' (ERR_SSL_NO_RENEGOTIATION), not the callback. */
function renegotiate(socket: TLSSocket): Promise<string> {
  return new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve('no answer after 3000 ms'), 3_000);
    const done = (outcome: string) => {
      clearTimeout(timer);
      resolve(outcome);
    };
    socket.once('error', (e: { code?: string }) => done(`refused (${e.code})`));
    const started = socket.renegotiate({}, (e) =>
      done(e === null ? 'renegotiated' : `refused (${e.message})`),
    );
    if (!started) done('refused (not started)');
  });
}

describe('wss: refuses TLS renegotiation', () => {
  it('a listener refuses a TLS 1.2 client’s renegotiation', async () => {
    const l = await listen({ host: '127.0.0.1', port: 0, cert: certs.good.chain, key: certs.good.key });
    if (!l.ok) throw new Error(l.error.message);
    onTestFinished(() => l.value.close());
    const client = tlsConnect({
      host: '127.0.0.1',
      port: l.value.address.port,
      ca: certs.root.cert,
      servername: 'localhost',
      maxVersion: 'TLSv1.2',
    });
    client.on('error', () => {});
    // Not events.once: it rejects on the 'error' the refusal brings.
    const closed = new Promise((resolve) => client.once('close', resolve));
    onTestFinished(async () => {
      client.destroy();
      await closed;
    });
    await once(client, 'secureConnect');
    expect(client.getProtocol()).toBe('TLSv1.2');
    expect(await renegotiate(client)).toBe('refused (ERR_SSL_NO_RENEGOTIATION)');
  });

  it('connect refuses a TLS 1.2 server’s renegotiation', async () => {
    const server = createHttpsServer({ cert: certs.good.chain, key: certs.good.key, maxVersion: 'TLSv1.2' });
    server.on('tlsClientError', () => {});
    const wss = new WebSocketServer({ server, handleProtocols: () => 'flowkit.v1' });
    const outcomes: Promise<string>[] = [];
    wss.on('connection', (_ws, request) => {
      const socket = request.socket as TLSSocket;
      socket.on('error', () => {});
      outcomes.push(renegotiate(socket));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    onTestFinished(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      wss.close();
    });
    const port = (server.address() as AddressInfo).port;
    const r = await connect({ url: `wss://localhost:${port}/`, ca: certs.root.cert, timeout: 5_000 });
    if (!r.ok) throw new Error(r.error.message);
    onTestFinished(() => r.value.abort());
    for (let i = 0; i < 100 && outcomes.length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(outcomes).toHaveLength(1);
    const outcome = await outcomes[0]!;
    expect(outcome).not.toBe('renegotiated');
    expect(outcome).toMatch(/^refused/);
    // The server gave up on the connection: the flow reads an error, never more data or a clean EOF.
    let timer: NodeJS.Timeout | undefined;
    const read = await Promise.race([
      r.value.read(),
      new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve('pending after 3000 ms'), 3_000);
      }),
    ]);
    clearTimeout(timer);
    expect(typeof read === 'string' ? read : read.ok ? 'data or eof' : 'error').toBe('error');
  });
});
