// The websocket rows of `pnpm bench`: @flowkit/websocket against raw `ws`
// used as Node users use it ('message' events and send), both over ws: on
// 127.0.0.1, both ends in the contender's own process.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { type Flow, formatError } from '@flowkit/flow-types';
import type { WebSocketConnectOptions, WebSocketListenOptions } from '@flowkit/websocket';
import { WebSocket, WebSocketServer } from 'ws';
import type { CaseSpec, Contender, RunPlan } from './cases.js';
import { bounded, SampleFailure } from './util.js';
import { flowBulk, flowPingPong } from './workloads/flow.js';
import { type BulkPlan, type Sample, withCpu } from './workloads/shared.js';

/** The raw writer waits for a send callback above this many buffered bytes: flowkit's default write high-water mark. */
const RAW_HIGH_WATER_MARK = 1024 * 1024;
const SLACK_MS = 15_000;

/** Tears down what a contender opened; `main.ts` and the worker call it when the case ends. */
export type Disposer = () => Promise<void>;

/** flowkit pairs from `@flowkit/websocket`, loaded at run time like the other transports. */
async function flowkitPairs(dispose: (d: Disposer) => void): Promise<() => Promise<readonly [Flow, Flow]>> {
  const ws = await import('@flowkit/websocket');
  const bound = await ws.listen({ host: '127.0.0.1', port: 0 } satisfies WebSocketListenOptions);
  if (!bound.ok) throw new SampleFailure(`listen: ${formatError(bound.error)}`);
  const listener = bound.value;
  const live = new Set<Flow>();
  dispose(async () => {
    for (const f of live) f.abort('benchmark finished');
    await listener.close();
  });
  return async () => {
    const [dialed, accepted] = await Promise.all([
      ws.connect({ url: listener.address.url } satisfies WebSocketConnectOptions),
      listener.accept(),
    ]);
    if (dialed.ok) live.add(dialed.value);
    if (accepted.ok) live.add(accepted.value);
    if (!dialed.ok) throw new SampleFailure(`connect: ${formatError(dialed.error)}`);
    if (!accepted.ok) throw new SampleFailure(`accept: ${formatError(accepted.error)}`);
    return [dialed.value, accepted.value];
  };
}

/** Raw `ws` pairs: a client and the server's end of it, compression off as in flowkit. */
async function rawPairs(
  dispose: (d: Disposer) => void,
): Promise<() => Promise<readonly [WebSocket, WebSocket]>> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  dispose(async () => {
    for (const c of server.clients) c.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return async () => {
    const a = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false });
    const [[b]] = await Promise.all([once(server, 'connection'), once(a, 'open')]);
    return [a, b as WebSocket];
  };
}

/** Bulk with raw `ws`: send views in a loop, waiting on the send callback above the high-water mark; the reader counts 'message' bytes until 'close'. */
async function rawBulk([a, b]: readonly [WebSocket, WebSocket], plan: BulkPlan): Promise<Sample> {
  const chunk = new Uint8Array(plan.chunk).fill(0x61);
  const start = performance.now();
  const received = new Promise<{ bytes: number; seconds: number }>((resolve, reject) => {
    let bytes = 0;
    b.on('message', (data: Buffer) => {
      bytes += data.byteLength;
    });
    b.once('close', () => resolve({ bytes, seconds: (performance.now() - start) / 1000 }));
    b.once('error', reject);
  });
  const end = start + plan.ms;
  while (performance.now() < end) {
    if (a.bufferedAmount < RAW_HIGH_WATER_MARK) a.send(chunk.subarray(0));
    else await new Promise((resolve) => a.send(chunk.subarray(0), resolve));
  }
  a.close(1000);
  const { bytes, seconds } = await received;
  return { value: bytes / seconds, extra: { bytes, seconds } };
}

/** Ping-pong with raw `ws`: one byte each way per round trip, on 'message' events. */
async function rawPingPong([a, b]: readonly [WebSocket, WebSocket], ms: number): Promise<Sample> {
  b.on('message', (data: Buffer) => b.send(data));
  const start = performance.now();
  const end = start + ms;
  let trips = 0;
  await new Promise<void>((resolve, reject) => {
    a.on('message', () => {
      trips++;
      if (performance.now() < end) a.send(new Uint8Array(1));
      else resolve();
    });
    a.once('error', reject);
    a.send(new Uint8Array(1));
  });
  const seconds = (performance.now() - start) / 1000;
  const closed = once(b, 'close');
  a.close(1000);
  await closed;
  return { value: trips / seconds, extra: { roundTrips: trips, seconds } };
}

/**
 * The websocket cases: bulk 64 KiB writes and ping-pong, flowkit (`flowkit.v1`
 * over ws:) against raw `ws`. Each contender sets up its listener on its first
 * sample (in its own process, see isolated.ts) and registers its teardown.
 */
export function websocketCases(plan: RunPlan, dispose: (d: Disposer) => void): CaseSpec[] {
  const limit = plan.ms + SLACK_MS;
  let flowkit: Promise<() => Promise<readonly [Flow, Flow]>> | undefined;
  let raw: Promise<() => Promise<readonly [WebSocket, WebSocket]>> | undefined;
  /** One sample: a fresh pair from the (lazily bound) source, the work under a time bound, then teardown. */
  const sampled =
    <P>(pairs: () => Promise<() => Promise<P>>, release: (pair: P) => void) =>
    (work: (pair: P) => Promise<Sample>, per: 'bytes' | 'roundTrips') =>
    async (): Promise<Sample> => {
      const pair = await (await pairs())();
      try {
        return await bounded(
          withCpu(per, () => work(pair)),
          limit,
          () => release(pair),
        );
      } finally {
        release(pair);
      }
    };
  const flowkitRun = sampled(
    () => {
      flowkit ??= flowkitPairs(dispose);
      return flowkit;
    },
    (flows: readonly [Flow, Flow]) => {
      for (const f of flows) f.abort('benchmark sample finished');
    },
  );
  const rawRun = sampled(
    () => {
      raw ??= rawPairs(dispose);
      return raw;
    },
    (pair: readonly [WebSocket, WebSocket]) => {
      for (const s of pair) s.terminate();
    },
  );
  const bulk: BulkPlan = { ms: plan.ms, chunk: 64 * 1024 };
  const contenders = (
    f: (flows: readonly [Flow, Flow]) => Promise<Sample>,
    r: (pair: readonly [WebSocket, WebSocket]) => Promise<Sample>,
    per: 'bytes' | 'roundTrips',
  ): Contender[] => [
    { name: 'flowkit', run: flowkitRun(f, per) },
    { name: 'ws-message', run: rawRun(r, per) },
  ];
  return [
    {
      name: 'websocket bulk 64 KiB writes',
      transport: 'websocket',
      workload: 'bulk-64KiB',
      unit: 'bytes/s',
      better: 'higher',
      rounds: plan.rounds,
      contenders: contenders(
        (flows) => flowBulk(flows, bulk),
        (pair) => rawBulk(pair, bulk),
        'bytes',
      ),
      target: { against: 'ws-message', op: '>=', value: 0.95 },
      notes: [
        'ws: on 127.0.0.1; raw ws sends in a loop and waits on the send callback above 1 MiB buffered (flowkit’s default write high-water mark); cpuNsPerByte in the JSON',
      ],
    },
    {
      name: 'websocket ping-pong',
      transport: 'websocket',
      workload: 'ping-pong',
      unit: 'round trips/s',
      better: 'higher',
      rounds: plan.rounds,
      contenders: contenders(
        (flows) => flowPingPong(flows, plan.ms),
        (pair) => rawPingPong(pair, plan.ms),
        'roundTrips',
      ),
      target: { against: 'ws-message', op: '>=', value: 0.95 },
      notes: ['1-byte messages; raw ws echoes on its message event; cpuMicrosPerTrip in the JSON'],
    },
  ];
}
