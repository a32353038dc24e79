import { Socket } from 'node:net';
import { EOF } from '@flowkit/flow-types';
import { afterEach, describe, expect, it } from 'vitest';
import { acceptedPair } from '../../../tooling/testing/accepted-pair.js';
import { describeSocket } from '../src/address.js';
import { connect, formatTcpAddress, listen, type TcpListener } from '../src/index.js';

const open: TcpListener[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((l) => l.close()));
});

async function bound(host: string): Promise<TcpListener> {
  const r = await listen({ host, port: 0 });
  if (!r.ok) throw new Error(r.error.message);
  open.push(r.value);
  return r.value;
}

/** A listener on `host` and one connected pair through it, nothing used yet. */
async function pairOver(host: string) {
  const listener = await bound(host);
  const [a, b] = await acceptedPair(listener, () => connect({ host, port: listener.address.port }));
  return { listener, a, b };
}

describe.each([
  ['127.0.0.1', 'IPv4'],
  ['::1', 'IPv6'],
] as const)('over %s', (host, family) => {
  it('port 0 gives the real port; flows carry both addresses and byte counters', async () => {
    const listener = await bound(host);
    expect(listener.address.host).toBe(host);
    expect(listener.address.family).toBe(family);
    expect(listener.address.port).toBeGreaterThan(0);
    const accepted = listener.accept();
    const dialed = await connect({ host, port: listener.address.port });
    expect(dialed.ok).toBe(true);
    const acc = await accepted;
    if (!dialed.ok || !acc.ok) return;
    const a = dialed.value;
    const b = acc.value;
    expect(a.remoteAddress).toEqual(listener.address);
    expect(b.localAddress).toEqual(listener.address);
    expect(b.remoteAddress).toEqual(a.localAddress);
    expect(a.localAddress.family).toBe(family);
    await a.write(new TextEncoder().encode('hello'));
    const r = await b.read();
    expect(r.ok && r.value !== EOF && r.value.length).toBe(5);
    expect(a.bytesWritten).toBe(5);
    expect(b.bytesRead).toBe(5);
    await Promise.all([a.close(), b.close()]);
  });

  it('addresses are computed on first use, and still known once the flows have closed', async () => {
    const { listener, a, b } = await pairOver(host);
    // Nobody asked for an address yet: close() takes them before the handle goes.
    await Promise.all([a.close(), b.close()]);
    expect(a.remoteAddress).toEqual(listener.address);
    expect(b.localAddress).toEqual(listener.address);
    expect(b.remoteAddress).toEqual(a.localAddress);
    expect(b.label).toBe(formatTcpAddress(a.localAddress.host, a.localAddress.port));
  });

  it('a dialed flow reset before any use still names the address it dialed', async () => {
    const { listener, a: dialer, b: acceptor } = await pairOver(host);
    acceptor.abort(); // RST
    const r = await dialer.read();
    expect(!r.ok && r.error.type).toBe('reset');
    if (!r.ok) expect(r.error.message).toContain(String(listener.address.port));
    expect(dialer.remoteAddress.port).toBe(listener.address.port);
    expect(dialer.remoteAddress.host).toBe(host);
  });

  it('flows dialed in turn to two addresses each name their own (dials to one address share one options object)', async () => {
    const one = await bound(host);
    const two = await bound(host);
    const flows = [];
    for (const listener of [one, two, two, one, one, two]) {
      const accepted = listener.accept();
      const dialed = await connect({ host, port: listener.address.port });
      const acc = await accepted;
      if (!dialed.ok || !acc.ok) throw new Error('no pair');
      flows.push(dialed.value, acc.value);
      expect(dialed.value.label).toBe(formatTcpAddress(host, listener.address.port));
      expect(dialed.value.remoteAddress).toEqual(listener.address);
    }
    for (const f of flows) f.abort();
  });

  it('refused: a typed error that names the address', async () => {
    const listener = await bound(host);
    const { port } = listener.address;
    await listener.close();
    const r = await connect({ host, port });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.type).toBe('refused');
      expect(r.error.message).toContain(String(port));
      expect('code' in r.error && r.error.code).toBe('ECONNREFUSED');
    }
  });

  it('in-use: binding a live address again', async () => {
    const listener = await bound(host);
    const again = await listen({ host, port: listener.address.port });
    expect(again.ok).toBe(false);
    if (!again.ok) {
      expect(again.error.type).toBe('in-use');
      expect(again.error.message).toContain(String(listener.address.port));
    }
  });
});

describe('addresses leave the socket as it was', () => {
  it("describing a flow's addresses caches nothing on its socket (no _peername)", async () => {
    const listener = await bound('127.0.0.1');
    const [a, b] = await acceptedPair(listener, () =>
      connect({ host: '127.0.0.1', port: listener.address.port }),
    );
    try {
      // Moving data takes the description; reading it must not make Node
      // cache the peer as a new socket property (see peerName in address.ts).
      await a.write(new Uint8Array([1]));
      expect((await b.read()).ok).toBe(true);
      expect(b.remoteAddress).toEqual(a.localAddress);
      expect(a.remoteAddress).toEqual(listener.address);
      // Read whether each socket has a _peername before anything here asks a
      // socket for its remote port (which caches one).
      const sockets = (process as unknown as { _getActiveHandles(): unknown[] })
        ._getActiveHandles()
        .filter((h): h is Socket => h instanceof Socket)
        .map((socket) => ({ socket, cached: Object.hasOwn(socket, '_peername') }));
      const ours = sockets.filter(
        ({ socket }) =>
          socket.localPort === listener.address.port || socket.remotePort === listener.address.port,
      );
      expect(ours.map(({ cached }) => cached)).toEqual([false, false]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe("describing a socket of another runtime's shape", () => {
  // Bun's sockets start with `_peername: null` and their handles have no
  // getpeername; the public getters are the only source there.
  const bunShaped = (extra: object) =>
    ({
      _peername: null,
      _handle: {},
      connecting: false,
      localAddress: '127.0.0.1',
      localPort: 4000,
      localFamily: 'IPv4',
      remoteAddress: '::1',
      remotePort: 5000,
      remoteFamily: 'IPv6',
      ...extra,
    }) as never;

  it('a null _peername and a handle without getpeername read the public getters', () => {
    const d = describeSocket(bunShaped({}), {});
    expect(d.remoteAddress).toEqual({ host: '::1', port: 5000, family: 'IPv6' });
    expect(d.localAddress).toEqual({ host: '127.0.0.1', port: 4000, family: 'IPv4' });
    expect(d.label).toBe('[::1]:5000');
  });

  it('a null _peername on a socket already closed falls back to the dialed label', () => {
    const d = describeSocket(bunShaped({ _handle: null, remoteAddress: undefined }), {
      label: '127.0.0.1:7',
    });
    expect(d.remoteAddress).toEqual({ host: '127.0.0.1', port: 7, family: 'IPv4' });
    expect(d.label).toBe('127.0.0.1:7');
  });
});

describe('options', () => {
  it.each([
    [{ port: 70000 }, 'port'],
    [{ port: -1 }, 'port'],
    [{ port: 1.5 }, 'port'],
    [{ port: Number.NaN }, 'port'],
    [{ port: 0 }, 'port'],
    [{ port: 80, host: '' }, 'host'],
    [{ port: 80, timeout: -1 }, 'timeout'],
    [{ port: 80, signal: () => {} }, 'signal'],
    [{ port: 80, signal: {} }, 'signal'],
    [{ port: 80, family: 5 }, 'family'],
    [{ port: 80, noDelay: 'yes' }, 'noDelay'],
    // node:net throws ERR_INVALID_IP_ADDRESS for these (issue 13: the
    // promise rejected); a local address must be an IP literal.
    [{ host: '127.0.0.1', port: 9, localAddress: 'not-an-ip' }, 'localAddress'],
    [{ host: '127.0.0.1', port: 9, localAddress: '80' }, 'localAddress'],
    [{ host: '127.0.0.1', port: 9, localAddress: 'localhost' }, 'localAddress'],
  ])('connect(%j) is invalid-option naming %s', async (options, option) => {
    const r = await connect(options as never);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.type).toBe('invalid-option');
      expect('option' in r.error && r.error.option).toBe(option);
      expect(r.error.message).toContain(option);
    }
  });

  it.each([
    [{ port: 70000 }, 'port'],
    [{ port: -1 }, 'port'],
    [{ host: '' }, 'host'],
    [{ backlog: -1 }, 'backlog'],
    [{ ipv6Only: 1 }, 'ipv6Only'],
  ])('listen(%j) is invalid-option naming %s', async (options, option) => {
    const r = await listen(options as never);
    expect(r.ok).toBe(false);
    if (!r.ok) expect('option' in r.error && r.error.option).toBe(option);
  });

  const throwing = (key: string, rest: object = {}) =>
    Object.defineProperty({ ...rest }, key, {
      enumerable: true,
      get() {
        throw new Error(`reading ${key}`);
      },
    });
  it.each([
    ['port: 80n', () => ({ port: 80n }), 'port'],
    ['family: 4n', () => ({ port: 80, family: 4n }), 'family'],
    ['family: a symbol', () => ({ port: 80, family: Symbol('4') }), 'family'],
    ['family: a null-prototype object', () => ({ port: 80, family: Object.create(null) }), 'family'],
    ['host: a symbol', () => ({ port: 80, host: Symbol('h') }), 'host'],
    ['a getter for port that throws', () => throwing('port'), 'port'],
    ['a signal whose aborted getter throws', () => ({ port: 80, signal: throwing('aborted') }), 'signal'],
    [
      'a null-prototype options object',
      () => Object.assign(Object.create(null) as object, { port: 70_000 }),
      'port',
    ],
    [
      'a Proxy whose get throws',
      () =>
        new Proxy(
          {},
          {
            get() {
              throw new Error('trap');
            },
          },
        ),
      // Only own properties are read (the get trap never runs): no port.
      'port',
    ],
  ])(
    'hostile input (%s): connect resolves invalid-option naming %s, never throws',
    async (_, make, option) => {
      const r = await connect(make() as never);
      expect(!r.ok && r.error.type).toBe('invalid-option');
      expect(!r.ok && 'option' in r.error && r.error.option).toBe(option);
    },
  );

  it('hostile input: listen resolves invalid-option for a throwing getter, a BigInt and a symbol', async () => {
    for (const [options, option] of [
      [throwing('backlog'), 'backlog'],
      [{ port: 0n }, 'port'],
      [{ ipv6Only: Symbol('x') }, 'ipv6Only'],
    ] as const) {
      const r = await listen(options as never);
      expect(!r.ok && 'option' in r.error && r.error.option).toBe(option);
    }
  });

  it('an already-aborted signal: aborted before any I/O', async () => {
    const c = new AbortController();
    c.abort();
    const r = await connect({ host: '127.0.0.1', port: 9, signal: c.signal });
    expect(!r.ok && r.error.type).toBe('aborted');
  });
});

describe('listener lifecycle', () => {
  it('accept after close is closed; a pending accept resolves closed; iteration ends', async () => {
    const listener = await bound('127.0.0.1');
    const pending = listener.accept();
    await listener.close();
    expect((await pending).ok).toBe(false);
    const later = await listener.accept();
    expect(!later.ok && later.error.type).toBe('closed');
    const seen: unknown[] = [];
    for await (const f of listener) seen.push(f);
    expect(seen).toHaveLength(0);
  });

  it('queued connections are served in order by iteration', async () => {
    const listener = await bound('127.0.0.1');
    const dialers = [];
    for (let i = 0; i < 3; i++) {
      const d = await connect({ host: '127.0.0.1', port: listener.address.port });
      if (!d.ok) throw new Error(d.error.message);
      await d.value.write(new Uint8Array([i]));
      dialers.push(d.value);
    }
    const got: number[] = [];
    for await (const flow of listener) {
      const r = await flow.read();
      if (r.ok && r.value !== EOF) got.push(r.value[0]!);
      flow.abort();
      if (got.length === 3) break;
    }
    expect(got).toEqual([0, 1, 2]);
    for (const d of dialers) d.abort();
  });
});
