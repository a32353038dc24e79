import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer, connect as netConnect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConnectError, EOF, type Flow } from '@flowkit/flow-types';
import { formatAddress, parseAddress } from '@flowkit/flowcat';
import { pair } from '@flowkit/memory';
import * as tcp from '@flowkit/tcp';
import * as tls from '@flowkit/tls';
import * as unix from '@flowkit/unix';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Attempt,
  alpnArbitrary,
  attempt,
  backlogArbitrary,
  isLoopbackOrInvalid,
  junk,
  optionsShapeArbitrary,
  pemArbitrary,
  portArbitrary,
  reshape,
  safeHost,
} from '../reliability/fuzz.js';
import { makeCertificates, type TourCertificates } from '../tour/certs.js';

let certs: TourCertificates;
let other: TourCertificates;
let dir: string;
let live: tcp.TcpListener;
let dead: number;
let flows = 0;
const accepted: Flow[] = [];

/** Every fuzzed call must end as a typed error or a working result. */
function expectTyped(a: Attempt): void {
  if (a.kind === 'threw' || a.kind === 'rejected' || a.kind === 'hung') {
    expect.fail(`${a.kind}${'error' in a ? `: ${a.error}` : ''}`);
  }
  if (a.kind === 'error') {
    expect(typeof a.type).toBe('string');
    expect(a.message.length).toBeGreaterThan(0);
  }
}

beforeAll(async () => {
  [certs, other] = await Promise.all([makeCertificates(), makeCertificates()]);
  dir = await mkdtemp(join(tmpdir(), 'flowkit-fuzz-'));
  const l = await tcp.listen({ host: '127.0.0.1', port: 0 });
  if (!l.ok) throw new Error(l.error.message);
  live = l.value;
  void (async () => {
    for await (const f of live) {
      f.abort();
      accepted.push(f);
    }
  })();
  const d = await tcp.listen({ host: '127.0.0.1', port: 0 });
  if (!d.ok) throw new Error(d.error.message);
  dead = d.value.address.port;
  await d.value.close();
});

afterAll(async () => {
  await live.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs wrapServer and wrapClient over a memory pair; a working pair echoes 3 bytes. */
async function wrapBoth(so: unknown, co: unknown): Promise<[Attempt, Attempt]> {
  const [c, s] = pair();
  // When either side fails, the other would wait for a handshake that
  // never comes: abort both inner flows then.
  const stop = (a: Attempt) => {
    if (a.kind !== 'ok') {
      c.abort();
      s.abort();
    }
    return a;
  };
  const server = attempt(
    () => tls.wrapServer(s, so as tls.TlsServerOptions),
    async (f) => {
      const r = await f.read();
      if (r.ok && r.value !== EOF) await f.write(r.value);
      await f.read();
      f.abort();
    },
  ).then(stop);
  const client = attempt(
    () => tls.wrapClient(c, co as tls.TlsClientOptions),
    async (f) => {
      flows++;
      await f.write(new Uint8Array([1, 2, 3]));
      const r = await f.read();
      expect(r.ok && r.value !== EOF && [...r.value]).toEqual([1, 2, 3]);
      f.abort();
    },
  ).then(stop);
  const [ca, sa] = await Promise.all([client, server]);
  c.abort();
  s.abort();
  return [ca, sa];
}

const RUNS = { numRuns: 80, seed: 424_242 };

describe('fuzzed options give a typed error or a working flow: never a throw, a hang or a crash', () => {
  it('the fuzzed hosts are loopback or invalid, so no traffic leaves the machine', () => {
    fc.assert(
      fc.property(safeHost, (h) => isLoopbackOrInvalid(h)),
      { numRuns: 500, seed: 1 },
    );
  });

  it('tcp connect: host, port, family, timeout, localAddress, socket options', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            host: safeHost,
            port: portArbitrary(live.address.port, dead),
            family: fc.oneof(fc.constantFrom(0, 4, 6), junk),
            timeout: fc.oneof(fc.constantFrom(1, 500, 0, -5), junk),
            localAddress: fc.oneof(fc.constant('127.0.0.1'), safeHost),
            noDelay: fc.oneof(fc.boolean(), junk),
            keepAlive: fc.oneof(fc.boolean(), junk),
            readHighWaterMark: fc.oneof(fc.integer({ min: 1, max: 1 << 20 }), junk),
          },
          { requiredKeys: ['port'] },
        ),
        optionsShapeArbitrary,
        async (o, shape) => {
          expect(isLoopbackOrInvalid(o.host) && isLoopbackOrInvalid(o.localAddress)).toBe(true);
          const a = await attempt(
            () => tcp.connect(reshape(o, shape) as tcp.TcpConnectOptions),
            (f) => f.abort(),
          );
          expectTyped(a);
        },
      ),
      RUNS,
    );
  });

  it('tcp listen: host, port, backlog, ipv6Only', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            host: safeHost,
            port: fc.oneof(fc.constantFrom(0, live.address.port, 70_000, -1), junk),
            backlog: backlogArbitrary,
            ipv6Only: fc.oneof(fc.boolean(), junk),
          },
          { requiredKeys: [] },
        ),
        optionsShapeArbitrary,
        async (o, shape) => {
          const a = await attempt(
            () => tcp.listen(reshape(o, shape) as tcp.TcpListenOptions),
            (l) => l.close(),
          );
          expectTyped(a);
        },
      ),
      RUNS,
    );
  });

  it('unix connect and listen: paths, abstract names, modes, backlogs', async () => {
    await writeFile(join(dir, 'regular'), 'keep me');
    const path = fc.oneof(
      fc.string({ minLength: 1, maxLength: 12 }).map((s) => join(dir, encodeURIComponent(s))),
      fc.constantFrom(join(dir, 'regular'), join(dir, 'missing', 's'), dir, 'relative.sock', '', '/'),
      fc.constant(join(dir, 'x'.repeat(120))),
      fc.constant(join(dir, 'a\0b')),
      junk,
    );
    const target = fc.oneof(
      path.map((p) => ({ path: p })),
      fc.string({ minLength: 0, maxLength: 120 }).map((n) => ({ name: `flowkit-fuzz-${n}` })),
      fc.record({ path, name: fc.string() }),
      fc.constant({}),
    );
    await fc.assert(
      fc.asyncProperty(
        target,
        fc.record(
          {
            mode: fc.oneof(fc.integer({ min: 0, max: 0o777 }), fc.constantFrom(0o1777, -1, 1.5), junk),
            backlog: backlogArbitrary,
            timeout: fc.oneof(fc.constant(500), junk),
          },
          { requiredKeys: [] },
        ),
        optionsShapeArbitrary,
        async (t, extra, shape) => {
          const l = await attempt(
            () => unix.listen(reshape({ ...t, ...extra }, shape) as unix.UnixListenOptions),
            (listener) => listener.close(),
          );
          expectTyped(l);
          const c = await attempt(
            () => unix.connect(reshape({ ...t, ...extra }, shape) as unix.UnixConnectOptions),
            (f) => f.abort(),
          );
          expectTyped(c);
        },
      ),
      RUNS,
    );
  });

  it('tls wrapClient and wrapServer over memory: certificates, keys (garbage, truncated, wrong), ALPN, versions', async () => {
    const serverOptions = fc.record(
      {
        cert: pemArbitrary(certs.cert, 'CERTIFICATE'),
        key: fc.oneof(pemArbitrary(certs.key, 'PRIVATE KEY'), fc.constant(other.key)),
        alpnProtocols: alpnArbitrary,
        minVersion: fc.oneof(fc.constantFrom('TLSv1.2', 'TLSv1.3', 'TLSv1.1', 'SSLv3'), junk),
        requestCert: fc.oneof(fc.constant(false), junk),
      },
      { requiredKeys: [] },
    );
    const clientOptions = fc.record(
      {
        ca: pemArbitrary(certs.ca, 'CERTIFICATE'),
        servername: fc.oneof(fc.constant('localhost'), safeHost),
        alpnProtocols: alpnArbitrary,
        maxVersion: fc.oneof(fc.constantFrom('TLSv1.2', 'TLSv1.3', 'TLSv1'), junk),
        session: fc.oneof(fc.constant(undefined), fc.uint8Array({ maxLength: 64 }), junk),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(serverOptions, clientOptions, optionsShapeArbitrary, async (so, co, shape) => {
        const [ca, sa] = await wrapBoth(reshape(so, shape), reshape(co, shape));
        expectTyped(ca);
        expectTyped(sa);
      }),
      { numRuns: 100, seed: 99 },
    );
    // The same harness makes a working flow from the good options, so the runs above could have too.
    const before = flows;
    const [ca, sa] = await wrapBoth(
      { cert: certs.cert, key: certs.key },
      { ca: certs.ca, servername: 'localhost' },
    );
    expect([ca.kind, sa.kind]).toEqual(['ok', 'ok']);
    expect(flows).toBe(before + 1);
  });

  it('tls connect and listen: hostile option objects and values give a typed error, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            handshakeTimeout: fc.oneof(fc.constant(1_000), junk),
            alpnProtocols: fc.oneof(fc.constant(['h2']), junk),
            requestCert: fc.oneof(fc.constant(false), junk),
          },
          { requiredKeys: [] },
        ),
        fc.record(
          { timeout: fc.oneof(fc.constant(500), junk), session: junk, servername: junk },
          { requiredKeys: [] },
        ),
        optionsShapeArbitrary,
        async (lo, co, shape) => {
          const l = await attempt(
            () =>
              tls.listen(
                reshape(
                  { host: '127.0.0.1', port: 0, cert: certs.cert, key: certs.key, ...lo },
                  shape,
                ) as tls.TlsListenOptions,
              ),
            (listener) => listener.close(),
          );
          expectTyped(l);
          // A dead port: a valid shape is refused; nothing is ever sent.
          const c = await attempt(
            () =>
              tls.connect(
                reshape(
                  { host: '127.0.0.1', port: dead, ca: certs.ca, ...co },
                  shape,
                ) as tls.TlsConnectOptions,
              ),
            (f) => f.abort(),
          );
          expectTyped(c);
        },
      ),
      { numRuns: 60, seed: 31 },
    );
  });

  it("flowcat's address parser: any string gives an address or a typed error, and addresses round-trip", () => {
    const structured = fc
      .tuple(
        fc.constantFrom('tcp', 'tls', 'tcp-listen', 'tls-listen', 'unix', 'unix-listen', 'TCP', 'udp', ''),
        fc.oneof(
          fc.constantFrom('127.0.0.1', '[::1]', 'localhost', '[', ']', '::1', ''),
          fc.string({ maxLength: 10 }),
        ),
        fc.oneof(fc.integer({ min: -5, max: 70_000 }).map(String), fc.string({ maxLength: 6 })),
      )
      .map(([k, h, p]) => `${k}:${h}:${p}`);
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), structured, fc.constant('-')),
        (text) => {
          let r: ReturnType<typeof parseAddress>;
          try {
            r = parseAddress(text);
          } catch (e) {
            return expect.fail(`parseAddress threw on ${JSON.stringify(text)}: ${String(e)}`);
          }
          if (!r.ok) {
            expect(r.error.type).toBe('invalid-address');
            expect(r.error.message).not.toContain('\n');
            return;
          }
          const again = parseAddress(formatAddress(r.value));
          expect(again).toEqual(r);
        },
      ),
      { numRuns: 2_000, seed: 5 },
    );
  });
});

/** A raw server that answers every connection with `bytes` and then waits. */
async function garbageServer(bytes: Uint8Array): Promise<Server> {
  // The garbage is followed by a close: a peer that sends a few bytes and
  // then stalls is a slow handshake, bounded only by the caller's signal.
  const server = createServer((s) => {
    s.on('error', () => {});
    s.end(bytes);
    s.resume();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

describe('TLS peers that send garbage instead of a handshake', () => {
  it('garbage to our client: a typed handshake error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 2048 }), async (bytes) => {
        const server = await garbageServer(bytes);
        try {
          const port = (server.address() as AddressInfo).port;
          const a = await attempt(
            () => tls.connect({ host: '127.0.0.1', port, ca: certs.ca, timeout: 3_000 }),
            (f) => f.abort(),
            6_000,
          );
          expectTyped(a);
          expect(a.kind === 'error' && a.type).toBe('handshake');
        } finally {
          server.close();
        }
      }),
      { numRuns: 15, seed: 11 },
    );
  });

  it('garbage to our listener: typed handshake errors, and it keeps accepting good clients', async () => {
    const failures: ConnectError[] = [];
    const l = await tls.listen({
      host: '127.0.0.1',
      port: 0,
      cert: certs.cert,
      key: certs.key,
      handshakeTimeout: 2_000,
      onHandshakeError: (e) => failures.push(e),
    });
    if (!l.ok) throw new Error(l.error.message);
    const listener = l.value;
    try {
      const garbage = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 2048 }), { numRuns: 10, seed: 12 });
      for (const bytes of garbage) {
        const s = netConnect({ host: '127.0.0.1', port: listener.address.port });
        s.on('error', () => {});
        s.end(bytes);
        await new Promise((resolve) => s.on('close', resolve));
        const c = await tls.connect({ host: '127.0.0.1', port: listener.address.port, ca: certs.ca });
        expect(c.ok).toBe(true);
        const a = await listener.accept();
        expect(a.ok).toBe(true);
        if (c.ok && a.ok) {
          await c.value.write(new Uint8Array([7]));
          const r = await a.value.read();
          expect(r.ok && r.value !== EOF && r.value[0]).toBe(7);
          c.value.abort();
          a.value.abort();
        }
      }
      expect(failures.length).toBe(garbage.length);
      for (const f of failures) expect(['handshake', 'timeout']).toContain(f.type);
    } finally {
      await listener.close();
    }
  });
});
