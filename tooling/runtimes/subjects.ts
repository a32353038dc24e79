// The conformance runs of the runtime matrix, one list per package, as
// options for the runner-neutral core. They import the packages by name, so
// under the default export conditions they test the BUILT packages (dist/),
// as an npm user gets them. Each package is imported only when its cell runs,
// so a package that throws while loading on a runtime fails its own cell only;
// one that refuses the runtime at the call (`unsupported-runtime`) is reported
// as refused, a declared limit (see `refusal`).
// Node, Deno and Bun run this file; the browser has its own page
// (browser-page.ts), without the node: imports below.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import type { RunConformanceOptions } from '@flowkit/conformance/core';
import type { Flow, ListenError, Listener, Result } from '@flowkit/flow-types';
import { type MatrixPackage, TLS_ENV } from './cell.js';

/** One labelled call of `runConformance`. */
export interface Subject {
  readonly label: string;
  readonly options: RunConformanceOptions;
}

/** A package that refused this runtime at the call: its `unsupported-runtime` message. */
export interface Refused {
  readonly refused: string;
}

/**
 * Binds once with `listen` to learn whether the package runs here: a
 * package that cannot keep its promises on this runtime resolves
 * `unsupported-runtime` at the call, and the cell reports that instead of
 * running cases against it.
 */
async function refusal(bound: Result<Listener<Flow, unknown>, ListenError>): Promise<Refused | undefined> {
  if (bound.ok) {
    await bound.value.close();
    return undefined;
  }
  return bound.error.type === 'unsupported-runtime' ? { refused: bound.error.message } : undefined;
}

/** PEMs of a CA and a `localhost` server certificate it signed (made by the matrix, passed in). */
export interface TlsMaterial {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

/**
 * The listeners a subject opened, closed after every case (the suites abort
 * the flows themselves).
 */
class Opened {
  readonly #listeners: Listener<Flow, unknown>[] = [];
  keep<L extends Listener<Flow, unknown>>(result: Result<L, ListenError>): Result<L, ListenError> {
    if (result.ok) this.#listeners.push(result.value);
    return result;
  }
  readonly cleanup = async (): Promise<void> => {
    await Promise.all(this.#listeners.splice(0).map((l) => l.close()));
  };
}

/** `[dialer, acceptor]` from a listen and a dial, failing loudly (the suite reports it as the harness's error). */
async function pairThrough<L extends Listener<Flow, unknown>>(
  bound: Result<L, ListenError>,
  dial: (listener: L) => Promise<Result<Flow, { message: string }>>,
): Promise<readonly [Flow, Flow]> {
  if (!bound.ok) throw new Error(bound.error.message);
  const [dialed, accepted] = await Promise.all([dial(bound.value), bound.value.accept()]);
  if (!dialed.ok) throw new Error(dialed.error.message);
  if (!accepted.ok) throw new Error(accepted.error.message);
  return [dialed.value, accepted.value];
}

/** Runs with the leak check asked for: where the runtime cannot count handles, the report says so. */
const leakCheck = true;

async function memorySubjects(): Promise<Subject[]> {
  const { connect: memoryConnect, listen: memoryListen, pair } = await import('@flowkit/memory');
  let names = 0;
  const fresh = () => `matrix-${Date.now()}-${++names}`;
  return [
    {
      label: 'memory',
      options: {
        flow: { name: 'memory pair', makePair: async () => pair(), leakCheck },
        listener: {
          name: 'memory listen/connect',
          listen: () => memoryListen({ name: fresh() }),
          connect: (l) => memoryConnect({ name: l.address.name }),
          connectToNothing: () => memoryConnect({ name: fresh() }),
          listenAgain: (l) => memoryListen({ name: l.address.name }),
          leakCheck,
        },
      },
    },
  ];
}

async function tcpSubjects(): Promise<Subject[] | Refused> {
  const { connect: tcpConnect, listen: tcpListen } = await import('@flowkit/tcp');
  const opened = new Opened();
  const host = '127.0.0.1';
  const refused = await refusal(await tcpListen({ host, port: 0 }));
  if (refused !== undefined) return refused;
  return [
    {
      label: 'tcp',
      options: {
        flow: {
          name: 'tcp',
          makePair: async () =>
            pairThrough(opened.keep(await tcpListen({ host, port: 0 })), (l) =>
              tcpConnect({ host, port: l.address.port }),
            ),
          cleanup: opened.cleanup,
          leakCheck,
        },
        listener: {
          name: 'tcp',
          listen: async () => opened.keep(await tcpListen({ host, port: 0 })),
          connect: (l) => tcpConnect({ host, port: l.address.port }),
          listenAgain: (l) => tcpListen({ host, port: l.address.port }),
          cleanup: opened.cleanup,
          leakCheck,
        },
      },
    },
  ];
}

async function unixSubjects(): Promise<Subject[]> {
  const { connect: unixConnect, listen: unixListen } = await import('@flowkit/unix');
  const opened = new Opened();
  const dir = mkdtempSync(join(tmpdir(), 'flowkit-matrix-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const fresh = () => join(dir, `s${n++}.sock`);
  return [
    {
      label: 'unix',
      options: {
        flow: {
          name: 'unix',
          makePair: async () =>
            pairThrough(opened.keep(await unixListen({ path: fresh() })), (l) =>
              unixConnect({ path: (l.address as { path: string }).path }),
            ),
          cleanup: opened.cleanup,
          // Unix sockets have no RST: the remote of an abort reads EOF.
          capabilities: { abortSendsReset: false },
          leakCheck,
        },
        listener: {
          name: 'unix',
          listen: async () => opened.keep(await unixListen({ path: fresh() })),
          connect: (l) => unixConnect({ path: (l.address as { path: string }).path }),
          connectToNothing: () => unixConnect({ path: fresh() }),
          cleanup: opened.cleanup,
          // No RST: a queued connection the listener's close() aborted reads EOF.
          capabilities: { abortSendsReset: false },
          leakCheck,
        },
      },
    },
  ];
}

async function tlsSubjects(material: TlsMaterial): Promise<Subject[] | Refused> {
  const { pair } = await import('@flowkit/memory');
  const { connect: tlsConnect, listen: tlsListen, wrapClient, wrapServer } = await import('@flowkit/tls');
  const opened = new Opened();
  const host = '127.0.0.1';
  const server = { cert: material.cert, key: material.key };
  const client = { ca: material.ca, servername: 'localhost' };
  const refused = await refusal(await tlsListen({ ...server, host, port: 0 }));
  if (refused !== undefined) return refused;
  return [
    {
      label: 'tls over tcp',
      options: {
        flow: {
          name: 'tls over tcp',
          makePair: async () =>
            pairThrough(opened.keep(await tlsListen({ ...server, host, port: 0 })), (l) =>
              tlsConnect({ ...client, host, port: l.address.port }),
            ),
          cleanup: opened.cleanup,
          leakCheck,
        },
        listener: {
          name: 'tls',
          listen: async () => opened.keep(await tlsListen({ ...server, host, port: 0 })),
          connect: (l) => tlsConnect({ ...client, host, port: l.address.port }),
          listenAgain: (l) => tlsListen({ ...server, host, port: l.address.port }),
          cleanup: opened.cleanup,
          leakCheck,
        },
      },
    },
    {
      label: 'tls over memory',
      options: {
        flow: {
          name: 'tls over memory',
          makePair: async () => {
            const [a, b] = pair();
            const [c, s] = await Promise.all([wrapClient(a, client), wrapServer(b, server)]);
            if (!c.ok) throw new Error(c.error.message);
            if (!s.ok) throw new Error(s.error.message);
            return [c.value, s.value] as const;
          },
          leakCheck,
        },
      },
    },
  ];
}

/**
 * websocket over `ws:` and `wss:` with the flowkit.v1 subprotocol (half-close
 * on); the plain mode, which cannot keep five close cases, runs in the
 * package's own tests. One listener per subject serves every pair.
 *
 * On Deno `@flowkit/websocket` resolves to its runtime-neutral entry (the
 * platform `WebSocket`, a client only): the dialer is that client and the
 * acceptor the Node entry (`ws`, on Deno's node:http), loaded by path. The
 * platform client cannot pause its reads: `backpressure: false`.
 */
async function websocketSubjects(material: TlsMaterial): Promise<Subject[] | Refused> {
  type Entry = typeof import('@flowkit/websocket');
  const resolved = (await import('@flowkit/websocket')) as Partial<Entry> & Pick<Entry, 'connect'>;
  const platformClient = typeof resolved.listen !== 'function';
  const server: Entry = platformClient
    ? ((await import(new URL('../../packages/websocket/dist/index.js', import.meta.url).href)) as Entry)
    : (resolved as Entry);
  const wsListen = server.listen;
  const wsConnect = resolved.connect;
  const host = '127.0.0.1';
  const all = [
    { label: 'websocket ws:', tls: {}, dial: {} },
    {
      label: 'websocket wss:',
      tls: { cert: material.cert, key: material.key },
      dial: { ca: material.ca, servername: 'localhost' },
    },
  ];
  // The platform client takes no `ca`: Deno trusts the test CA through
  // DENO_CERT (the matrix sets it), and the certificate names 127.0.0.1.
  const modes = platformClient ? all.map((m) => ({ ...m, dial: {} })) : all;
  for (const mode of modes) {
    const bound = await wsListen({ host, port: 0, ...mode.tls });
    const dialed = bound.ok ? await wsConnect({ url: bound.value.address.url, ...mode.dial }) : undefined;
    if (dialed?.ok) dialed.value.abort();
    const refused =
      dialed?.ok === false && dialed.error.type === 'unsupported-runtime'
        ? { refused: dialed.error.message }
        : await refusal(bound);
    if (bound.ok) await bound.value.close();
    if (refused !== undefined) return refused;
  }
  return modes.map((mode) => {
    const opened = new Opened();
    const listen = (port = 0) => wsListen({ host, port, ...mode.tls });
    const dial = (url: string) => wsConnect({ url, ...mode.dial });
    // One listener serves every pair of a case; pairs are made one at a
    // time, so a dialed flow is never matched with another pair's accepted one.
    let shared:
      | Promise<Result<Listener<Flow, unknown> & { address: { url: string } }, ListenError>>
      | undefined;
    let making: Promise<unknown> = Promise.resolve();
    const makeOne = async (): Promise<readonly [Flow, Flow]> => {
      shared ??= listen().then((l) => opened.keep(l));
      return pairThrough(await shared, (l) => dial(l.address.url));
    };
    const cleanup = async () => {
      shared = undefined;
      await opened.cleanup();
    };
    return {
      label: mode.label,
      options: {
        flow: {
          name: mode.label,
          makePair: () => {
            const next = making.then(makeOne, makeOne);
            making = next.catch(() => {});
            return next;
          },
          cleanup,
          capabilities: { halfClose: true, abortSendsReset: true, backpressure: !platformClient },
          leakCheck,
        },
        listener: {
          name: mode.label,
          listen: async () => opened.keep(await listen()),
          connect: (l) => dial(l.address.url),
          connectToNothing: async () => {
            // Bind, note the URL, release it: nobody listens there afterwards.
            const l = await listen();
            if (!l.ok) throw new Error(l.error.message);
            const url = l.value.address.url;
            await l.value.close();
            return dial(url);
          },
          listenAgain: (l) => listen(l.address.port),
          cleanup,
          leakCheck,
        },
      },
    };
  });
}

function tlsMaterial(): TlsMaterial {
  const raw = process.env[TLS_ENV];
  if (raw === undefined) throw new Error(`${TLS_ENV} is not set: the matrix passes the TLS certificates`);
  return JSON.parse(raw) as TlsMaterial;
}

/** The runs of `pkg`, or its refusal of this runtime; tls and websocket read their certificates from {@link TLS_ENV}. */
export function subjectsOf(pkg: MatrixPackage): Promise<Subject[] | Refused> {
  switch (pkg) {
    case 'memory':
      return memorySubjects();
    case 'tcp':
      return tcpSubjects();
    case 'unix':
      return unixSubjects();
    case 'tls':
      return tlsSubjects(tlsMaterial());
    case 'websocket':
      return websocketSubjects(tlsMaterial());
  }
}
