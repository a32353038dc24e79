import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Flow, formatError, type Listener, type Result } from '@flowkit/flow-types';
import type { TcpConnectOptions, TcpListenOptions } from '@flowkit/tcp';
import type { TlsConnectOptions, TlsListenOptions } from '@flowkit/tls';
import type { UnixConnectOptions, UnixListenOptions } from '@flowkit/unix';
import type { Certificate } from './certs.js';
import type { PairOptions } from './node-pairs.js';
import { SampleFailure } from './util.js';

/** Makes connected flowkit pairs `[dialer, acceptor]` for one transport. */
export interface FlowPairSource {
  pair(options: PairOptions): Promise<readonly [Flow, Flow]>;
  /** Aborts both flows of a pair and forgets them. */
  release(flows: readonly Flow[]): void;
  /** Aborts every flow still held, closes the listener, removes files. */
  dispose(): Promise<void>;
}

/** Either a working source, or the reason it cannot be had (shown as "not available"). */
export type Availability<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string };

type AnyError = Parameters<typeof formatError>[0];
type Dial = (options: Record<string, unknown>) => Promise<Result<Flow, AnyError>>;
type Bind = (options: Record<string, unknown>) => Promise<Result<Listener<Flow, unknown>, AnyError>>;

/**
 * The transports are loaded by name at run time, not imported statically, so
 * the harness runs while a transport is broken or unfinished: a package that
 * fails to load or lacks the expected exports is reported "not available"
 * instead of breaking every other case. The option objects are still checked
 * against each package's option types (type-only imports, erased at run time).
 */
async function load(name: string): Promise<Record<string, unknown> | string> {
  try {
    return (await import(name)) as Record<string, unknown>;
  } catch (error) {
    return `${name} failed to load: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function missing(name: string, exports: readonly string[], mod: Record<string, unknown>): string | undefined {
  const absent = exports.filter((e) => typeof mod[e] !== 'function');
  return absent.length === 0 ? undefined : `${name} does not export ${absent.join(', ')} yet`;
}

/** `@flowkit/memory`'s `pair()`, with its default capacity. */
export async function memoryFlows(): Promise<Availability<FlowPairSource>> {
  const mod = await load('@flowkit/memory');
  if (typeof mod === 'string') return { ok: false, reason: mod };
  const absent = missing('@flowkit/memory', ['pair'], mod);
  if (absent !== undefined) return { ok: false, reason: absent };
  const pair = mod.pair as () => readonly [Flow, Flow];
  const live = new Set<Flow>();
  return {
    ok: true,
    value: {
      async pair() {
        const flows = pair();
        for (const f of flows) live.add(f);
        return flows;
      },
      release(flows) {
        for (const f of flows) {
          f.abort('benchmark sample finished');
          live.delete(f);
        }
      },
      async dispose() {
        for (const f of live) f.abort('benchmark finished');
        live.clear();
      },
    },
  };
}

/** A listener plus the dial options that reach it. */
interface Bound {
  readonly listener: Listener<Flow, unknown>;
  readonly dial: (options: PairOptions) => Record<string, unknown>;
  readonly cleanup: () => Promise<void>;
}

async function networkFlows(
  name: string,
  bind: (listen: Bind) => Promise<Bound | string>,
): Promise<Availability<FlowPairSource>> {
  const mod = await load(name);
  if (typeof mod === 'string') return { ok: false, reason: mod };
  const absent = missing(name, ['connect', 'listen'], mod);
  if (absent !== undefined) return { ok: false, reason: absent };
  const connect = mod.connect as Dial;
  const bound = await bind(mod.listen as Bind);
  if (typeof bound === 'string') return { ok: false, reason: bound };
  const { listener, dial, cleanup } = bound;
  const live = new Set<Flow>();
  return {
    ok: true,
    value: {
      async pair(options) {
        const [dialed, accepted] = await Promise.all([connect(dial(options)), listener.accept()]);
        if (dialed.ok) live.add(dialed.value);
        if (accepted.ok) live.add(accepted.value);
        if (!dialed.ok) throw new SampleFailure(`connect: ${formatError(dialed.error)}`);
        if (!accepted.ok) throw new SampleFailure(`accept: ${formatError(accepted.error)}`);
        return [dialed.value, accepted.value];
      },
      release(flows) {
        for (const f of flows) {
          f.abort('benchmark sample finished');
          live.delete(f);
        }
      },
      async dispose() {
        for (const f of live) f.abort('benchmark finished');
        live.clear();
        await listener.close();
        await cleanup();
      },
    },
  };
}

function portOf(listener: Listener<Flow, unknown>): number {
  return (listener.address as { port: number }).port;
}

/** `@flowkit/tcp` on 127.0.0.1, port 0. */
export function tcpFlows(): Promise<Availability<FlowPairSource>> {
  return networkFlows('@flowkit/tcp', async (listen) => {
    const r = await listen({ host: '127.0.0.1', port: 0, noDelay: true } satisfies TcpListenOptions);
    if (!r.ok) return `listen: ${formatError(r.error)}`;
    const port = portOf(r.value);
    return {
      listener: r.value,
      dial: ({ noDelay }) => ({ host: '127.0.0.1', port, noDelay }) satisfies TcpConnectOptions,
      cleanup: async () => {},
    };
  });
}

/** `@flowkit/unix` on a socket file in a fresh temp dir. */
export function unixFlows(): Promise<Availability<FlowPairSource>> {
  return networkFlows('@flowkit/unix', async (listen) => {
    const dir = await mkdtemp(join(tmpdir(), 'flowkit-bench-'));
    const path = join(dir, 'flowkit.sock');
    const cleanup = () => rm(dir, { recursive: true, force: true });
    const r = await listen({ path } satisfies UnixListenOptions);
    if (!r.ok) {
      await cleanup();
      return `listen: ${formatError(r.error)}`;
    }
    return { listener: r.value, dial: () => ({ path }) satisfies UnixConnectOptions, cleanup };
  });
}

/** `@flowkit/tls` over TCP on 127.0.0.1, verifying the same throwaway certificate as the raw case. */
export function tlsFlows(certificate: Certificate): Promise<Availability<FlowPairSource>> {
  return networkFlows('@flowkit/tls', async (listen) => {
    const r = await listen({
      host: '127.0.0.1',
      port: 0,
      noDelay: true,
      key: certificate.key,
      cert: certificate.cert,
    } satisfies TlsListenOptions);
    if (!r.ok) return `listen: ${formatError(r.error)}`;
    const port = portOf(r.value);
    return {
      listener: r.value,
      dial: ({ noDelay }) =>
        ({
          host: '127.0.0.1',
          port,
          servername: 'localhost',
          ca: certificate.cert,
          noDelay,
        }) satisfies TlsConnectOptions,
      cleanup: async () => {},
    };
  });
}
