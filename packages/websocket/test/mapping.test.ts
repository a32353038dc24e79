import { once } from 'node:events';
import { createServer } from 'node:http';
import { type AddressInfo, createConnection } from 'node:net';
import { EOF, type ReadResult } from '@flowkit/flow-types';
import { describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { attach, connect, END_OF_STREAM, listen, SUBPROTOCOL, type WebSocketFlow } from '../src/index.js';

/** A raw `ws` server (not flowkit) whose handler does what the case needs with the connection. */
async function rawServer(
  handle: (ws: WebSocket) => void,
  protocol: string | false = false,
): Promise<{ url: string; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => protocol });
  await once(wss, 'listening');
  wss.on('connection', handle);
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/`,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Runs `run` with a dialed flow and its accepted end on a fresh ws: listener; aborts both and closes the listener after. */
async function withPair(
  run: (dialed: WebSocketFlow, accepted: WebSocketFlow) => Promise<void>,
): Promise<void> {
  const bound = await listen({ host: '127.0.0.1', port: 0 });
  if (!bound.ok) throw new Error(bound.error.message);
  const listener = bound.value;
  try {
    const accepting = listener.accept();
    const dialed = await connect({ url: listener.address.url });
    const accepted = await accepting;
    if (!dialed.ok || !accepted.ok) throw new Error('no pair');
    try {
      await run(dialed.value, accepted.value);
    } finally {
      dialed.value.abort();
      accepted.value.abort();
    }
  } finally {
    await listener.close();
  }
}

async function readAll(flow: WebSocketFlow): Promise<{ bytes: number; end: ReadResult }> {
  let bytes = 0;
  for (;;) {
    const r = await flow.read();
    if (!r.ok || r.value === EOF) return { bytes, end: r };
    bytes += r.value.byteLength;
  }
}

describe('reading what a peer sends', () => {
  it.each([
    [1000, 'EOF'],
    [1001, 'reset'],
    [1002, 'protocol'],
    [1003, 'protocol'],
    [1011, 'reset'],
    [4000, 'reset'],
    [4002, 'protocol'],
    [4321, 'reset'],
  ] as const)('data, then Close %i: the data, then %s', async (code, expected) => {
    const server = await rawServer((ws) => {
      ws.send(Buffer.from('hello'));
      ws.close(code, 'bye');
    });
    try {
      const dialed = await connect({ url: server.url, halfClose: false });
      if (!dialed.ok) throw new Error(dialed.error.message);
      const { bytes, end } = await readAll(dialed.value);
      expect(bytes).toBe(5);
      if (expected === 'EOF') expect(end).toEqual({ ok: true, value: EOF });
      else {
        expect(end.ok ? 'ok' : end.error.type).toBe(expected);
        expect(end.ok ? '' : end.error.message).toContain(String(code));
      }
      await dialed.value.close();
    } finally {
      await server.close();
    }
  });

  it('a Close frame without a code (1005, what a browser’s bare close() sends) is EOF', async () => {
    const server = await rawServer((ws) => ws.close());
    try {
      const dialed = await connect({ url: server.url, halfClose: false });
      if (!dialed.ok) throw new Error(dialed.error.message);
      expect((await readAll(dialed.value)).end).toEqual({ ok: true, value: EOF });
    } finally {
      await server.close();
    }
  });

  it('a dropped connection (terminate, no Close frame) is reset, not EOF', async () => {
    const server = await rawServer((ws) => {
      ws.send(Buffer.from('partial'));
      setTimeout(() => ws.terminate(), 20);
    });
    try {
      const dialed = await connect({ url: server.url, halfClose: false });
      if (!dialed.ok) throw new Error(dialed.error.message);
      const { bytes, end } = await readAll(dialed.value);
      expect(bytes).toBe(7);
      expect(end.ok ? 'ok' : end.error.type).toBe('reset');
    } finally {
      await server.close();
    }
  });

  it('plain mode: a text message is a protocol error after the data before it, and the peer sees Close 1003', async () => {
    let closedWith: Promise<number> = Promise.resolve(0);
    const server = await rawServer((ws) => {
      closedWith = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
      ws.send(Buffer.from('bytes'));
      ws.send('text');
    });
    try {
      const dialed = await connect({ url: server.url, halfClose: false });
      if (!dialed.ok) throw new Error(dialed.error.message);
      const { bytes, end } = await readAll(dialed.value);
      expect(bytes).toBe(5);
      expect(end.ok ? 'ok' : end.error.type).toBe('protocol');
      expect(await closedWith).toBe(1003);
      const w = await dialed.value.write(new Uint8Array(1));
      expect(w.ok ? 'ok' : w.error.type).toBe('closed');
    } finally {
      await server.close();
    }
  });

  it('flowkit.v1: data after the peer’s eof is a protocol error; the peer sees Close 1002', async () => {
    let closedWith: Promise<number> = Promise.resolve(0);
    const server = await rawServer((ws) => {
      closedWith = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
      ws.send(END_OF_STREAM);
      ws.send(Buffer.from('late'));
    }, SUBPROTOCOL);
    try {
      const dialed = await connect({ url: server.url });
      if (!dialed.ok) throw new Error(dialed.error.message);
      // The eof came first: this end reads EOF; the late data fails the flow for the peer.
      expect((await readAll(dialed.value)).end).toEqual({ ok: true, value: EOF });
      expect(await closedWith).toBe(1002);
    } finally {
      await server.close();
    }
  });

  it('flowkit.v1: closeWrite sends exactly the text message "eof", after the data', async () => {
    const got: (string | number)[] = [];
    let done: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    const server = await rawServer((ws) => {
      ws.on('message', (data, binary) => {
        got.push(binary ? (data as Buffer).byteLength : data.toString());
        if (!binary) done();
      });
    }, SUBPROTOCOL);
    try {
      const dialed = await connect({ url: server.url });
      if (!dialed.ok) throw new Error(dialed.error.message);
      expect(dialed.value.halfClose).toBe(true);
      await dialed.value.write(new Uint8Array(10));
      expect((await dialed.value.closeWrite()).ok).toBe(true);
      await finished;
      expect(got).toEqual([10, 'eof']);
      dialed.value.abort();
    } finally {
      await server.close();
    }
  });

  it('writes are cut into messages of at most maxMessageBytes; writev joins small buffers into one message', async () => {
    const sizes: number[] = [];
    const server = await rawServer((ws) =>
      ws.on('message', (data) => sizes.push((data as Buffer).byteLength)),
    );
    try {
      const dialed = await connect({ url: server.url, halfClose: false, maxMessageBytes: 1000 });
      if (!dialed.ok) throw new Error(dialed.error.message);
      await dialed.value.write(new Uint8Array(2500));
      await dialed.value.writev([new Uint8Array(300), new Uint8Array(0), new Uint8Array(400)]);
      await dialed.value.close();
      expect(sizes).toEqual([1000, 1000, 500, 700]);
    } finally {
      await server.close();
    }
  });
});

describe('plain mode honesty', () => {
  it('closeWrite() resolves an io/ENOTSUP error (every call the same) and writes are closed afterwards', async () => {
    const l = await listen({});
    if (!l.ok) throw new Error(l.error.message);
    try {
      const [dialed, accepted] = await Promise.all([
        connect({ url: l.value.address.url, halfClose: false }),
        l.value.accept(),
      ]);
      if (!dialed.ok || !accepted.ok) throw new Error('pair');
      const first = await dialed.value.closeWrite();
      expect(first.ok ? 'ok' : [first.error.type, (first.error as { code?: string }).code]).toEqual([
        'io',
        'ENOTSUP',
      ]);
      expect(await dialed.value.closeWrite()).toBe(first);
      const w = await dialed.value.write(new Uint8Array(1));
      expect(w.ok ? 'ok' : w.error.type).toBe('closed');
      // Nothing was sent: the remote has not read EOF.
      const pending = await Promise.race([
        accepted.value.read(),
        new Promise((resolve) => setTimeout(() => resolve('pending'), 100)),
      ]);
      expect(pending).toBe('pending');
      dialed.value.abort();
      accepted.value.abort();
    } finally {
      await l.value.close();
    }
  });

  it('a server that does not select flowkit.v1 fails the default dial with a handshake error saying what to do', async () => {
    const server = await rawServer(() => {});
    try {
      const r = await connect({ url: server.url });
      expect(r.ok ? 'connected' : r.error.type).toBe('handshake');
      expect(r.ok ? '' : r.error.message).toContain('halfClose: false');
    } finally {
      await server.close();
    }
  });
});

describe('listeners', () => {
  it('path: other paths get HTTP 404, a handshake error; plain HTTP gets 426', async () => {
    const l = await listen({ path: '/flows' });
    if (!l.ok) throw new Error(l.error.message);
    try {
      expect(l.value.address.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/flows$/);
      const wrong = await connect({ url: l.value.address.url.replace('/flows', '/other') });
      expect(wrong.ok ? 'connected' : wrong.error.message).toContain('HTTP 404');
      const http = await fetch(l.value.address.url.replace('ws:', 'http:'));
      expect(http.status).toBe(426);
    } finally {
      await l.value.close();
    }
  });

  it('clients that reset right after an upgrade request to a wrong path leave the listener serving', async () => {
    const l = await listen({ path: '/flows' });
    if (!l.ok) throw new Error(l.error.message);
    try {
      const { port } = l.value.address;
      for (let i = 0; i < 20; i++) {
        const socket = createConnection({ host: '127.0.0.1', port });
        socket.on('error', () => {});
        await once(socket, 'connect');
        socket.write(
          `GET /other HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${'A'.repeat(22)}==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
        socket.resetAndDestroy();
      }
      const [dialed, accepted] = await Promise.all([connect({ url: l.value.address.url }), l.value.accept()]);
      expect(dialed.ok && accepted.ok).toBe(true);
      if (dialed.ok) dialed.value.abort();
      if (accepted.ok) accepted.value.abort();
    } finally {
      await l.value.close();
    }
  });

  it('beyond maxPending unaccepted flows, upgrades are answered HTTP 503', async () => {
    const l = await listen({ maxPending: 1 });
    if (!l.ok) throw new Error(l.error.message);
    try {
      const first = await connect({ url: l.value.address.url });
      if (!first.ok) throw new Error(first.error.message);
      const second = await connect({ url: l.value.address.url });
      expect(second.ok ? 'connected' : second.error.message).toContain('HTTP 503');
      const queued = await l.value.accept();
      expect(queued.ok).toBe(true);
      first.value.abort();
      if (queued.ok) queued.value.abort();
    } finally {
      await l.value.close();
    }
  });

  it('attach serves flows on an application’s http.Server next to its routes; close leaves the server running', async () => {
    const server = createServer((_, response) => response.end('route'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const attached = attach(server, { path: '/flow' });
      if (!attached.ok) throw new Error(attached.error.message);
      const url = attached.value.address.url;
      const [dialed, accepted] = await Promise.all([connect({ url }), attached.value.accept()]);
      if (!dialed.ok || !accepted.ok) throw new Error('pair');
      await dialed.value.write(new TextEncoder().encode('hi'));
      const r = await accepted.value.read();
      expect(r.ok && r.value !== EOF ? new TextDecoder().decode(r.value) : r).toBe('hi');
      expect(await (await fetch(url.replace('ws:', 'http:').replace('/flow', '/'))).text()).toBe('route');
      await attached.value.close();
      expect(await (await fetch(url.replace('ws:', 'http:').replace('/flow', '/'))).text()).toBe('route');
      expect((await attached.value.accept()).ok).toBe(false);
      dialed.value.abort();
      accepted.value.abort();
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('attach to a server that is not listening is an invalid-option; a non-server is a TypeError', () => {
    const r = attach(createServer());
    expect(r.ok ? 'attached' : r.error.option).toBe('server');
    expect(() => attach({} as never)).toThrow(TypeError);
  });
});

describe('programming errors throw at the call', () => {
  it('write of a string, writev of a non-array: TypeError naming the argument', async () => {
    const l = await listen({});
    if (!l.ok) throw new Error(l.error.message);
    try {
      const dialed = await connect({ url: l.value.address.url });
      if (!dialed.ok) throw new Error(dialed.error.message);
      expect(() => dialed.value.write('text' as never)).toThrow(/buffer/);
      expect(() => dialed.value.writev('text' as never)).toThrow(/buffers/);
      dialed.value.abort();
    } finally {
      await l.value.close();
    }
  });

  it('bad options are invalid-option naming the option, never a throw', async () => {
    const cases: [unknown, string][] = [
      [{}, 'url'],
      [{ url: 'http://127.0.0.1/' }, 'url'],
      [{ url: 'ws://127.0.0.1/', readHighWaterMark: 0 }, 'readHighWaterMark'],
      [{ url: 'ws://127.0.0.1/', halfClose: 'yes' }, 'halfClose'],
      [{ url: 'ws://127.0.0.1/', timeout: -1 }, 'timeout'],
      ['ws://127.0.0.1/', 'options'],
    ];
    for (const [options, option] of cases) {
      const r = await connect(options as never);
      expect(r.ok ? 'connected' : (r.error as { option?: string }).option).toBe(option);
    }
    const l = await listen({ port: 70000 });
    expect(l.ok ? 'listening' : (l.error as { option?: string }).option).toBe('port');
    const p = await listen({ path: 'no-slash' });
    expect(p.ok ? 'listening' : (p.error as { option?: string }).option).toBe('path');
  });
});

describe('read and close options', () => {
  it('are read as own properties: a polluted Object.prototype.signal neither cancels a read nor cuts a close short', async () => {
    await withPair(async (dialed, accepted) => {
      await dialed.write(new Uint8Array([1, 2]));
      const proto = Object.prototype as Record<string, unknown>;
      proto.signal = AbortSignal.abort(new Error('polluted'));
      let read: ReadResult;
      let closedEarly: boolean;
      let closing: Promise<void>;
      try {
        read = await accepted.read({});
        closing = dialed.close({});
        closedEarly = await Promise.race([
          closing.then(() => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 50)),
        ]);
      } finally {
        delete proto.signal;
      }
      expect(read.ok && read.value !== EOF && Array.from(read.value)).toEqual([1, 2]);
      // close() waits for the remote's close (flowkit.v1); a polluted signal would have aborted it.
      expect(closedEarly).toBe(false);
      await readAll(accepted);
      await accepted.close();
      await closing;
    });
  });

  it('a close({ signal }) after the flow has closed does not abort it: data still unread stays readable', async () => {
    await withPair(async (dialed, accepted) => {
      await accepted.write(new Uint8Array([7, 8, 9]));
      // Both ends close; the dialer never reads the 3 bytes.
      await Promise.all([dialed.close(), accepted.close(), readAll(accepted)]);
      await dialed.close({ signal: AbortSignal.abort(new Error('too late')) });
      const r = await dialed.read();
      expect(r.ok && r.value !== EOF && Array.from(r.value)).toEqual([7, 8, 9]);
      expect(await dialed.read()).toEqual({ ok: true, value: EOF });
    });
  });
});
