import type { Baseline, TransportEnv, TransportName } from './cases.js';
import type { Certificate } from './certs.js';
import { type Availability, memoryFlows, tcpFlows, tlsFlows, unixFlows } from './flowkit.js';
import { corePairSource, duplexPairSource, type NodePairSource, netSource, tlsSource } from './node-pairs.js';

type Disposable = { dispose(): Promise<void> };

/** Sets up transports and remembers how to tear every one of them down. */
export class Envs {
  private readonly disposers: (() => Promise<void>)[] = [];

  /** Closes every server and listener and aborts every flow opened so far. Never rejects. */
  async dispose(): Promise<void> {
    const all = this.disposers.splice(0);
    await Promise.allSettled(all.map((d) => d()));
  }

  /** Remembers a teardown that a case set up itself (the websocket cases). */
  adopt(dispose: () => Promise<void>): void {
    this.disposers.push(dispose);
  }

  private track<T extends Disposable>(a: Availability<T>): Availability<T> {
    if (a.ok) this.disposers.push(() => a.value.dispose());
    return a;
  }

  private async attempt<T extends Disposable>(make: () => Promise<T>): Promise<Availability<T>> {
    try {
      return this.track({ ok: true, value: await make() });
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }

  /** The flowkit transport and its raw baselines; TLS needs the certificate (or the reason there is none). */
  async make(name: TransportName, certificate: Certificate | string): Promise<TransportEnv> {
    if (name === 'memory') {
      return {
        name,
        flowkit: this.track(await memoryFlows()),
        baselines: [
          { name: 'duplexpair', source: { ok: true, value: duplexPairSource }, style: 'data' },
          { name: 'core-duplex', source: { ok: true, value: corePairSource }, style: 'data' },
        ],
        slowBaseline: 'core-duplex',
        primary: 'core-duplex',
      };
    }
    if (name === 'tls' && typeof certificate === 'string') {
      const none = { ok: false, reason: certificate } as const;
      return {
        name,
        flowkit: none,
        baselines: socketBaselines(none),
        slowBaseline: 'node-data',
        primary: 'node-data',
      };
    }
    const flowkit =
      name === 'tcp' ? tcpFlows() : name === 'unix' ? unixFlows() : tlsFlows(certificate as Certificate);
    const raw =
      name === 'tls'
        ? this.attempt(() => tlsSource(certificate as Certificate))
        : this.attempt(() => netSource(name as 'tcp' | 'unix'));
    return {
      name,
      flowkit: this.track(await flowkit),
      baselines: socketBaselines(await raw),
      slowBaseline: 'node-data',
      primary: 'node-data',
    };
  }
}

/** The three ways Node users drive a socket: `'data'` events, `for await`, Web Streams via `Duplex.toWeb`. */
function socketBaselines(source: Availability<NodePairSource>): Baseline[] {
  return [
    { name: 'node-data', source, style: 'data' },
    { name: 'node-for-await', source, style: 'for-await' },
    { name: 'node-web', source, style: 'web' },
  ];
}

export const TRANSPORTS: readonly TransportName[] = ['memory', 'tcp', 'unix', 'tls'];
