import type { Flow } from '@flowkit/flow-types';
import { slowReaderInChild } from './child.js';
import type { Availability, FlowPairSource } from './flowkit.js';
import { idleFlowkitFlows, idleNodeSockets } from './idle.js';
import type { NodePair, NodePairSource, PairOptions } from './node-pairs.js';
import { bounded } from './util.js';
import { flowBulk, flowPingPong, flowSlowReader } from './workloads/flow.js';
import { type NodeStyle, nodeBulk, nodePingPong, nodeSlowReader } from './workloads/node.js';
import { type Sample, type SlowPlan, withCpu } from './workloads/shared.js';

export type TransportName = 'memory' | 'tcp' | 'unix' | 'tls' | 'websocket';
export type Unit = 'bytes/s' | 'round trips/s' | 'bytes' | 'bytes/flow';

/** One side of a comparison: flowkit, or a baseline. `run` is absent when it is not available. */
export interface Contender {
  readonly name: string;
  readonly run?: () => Promise<Sample>;
  readonly unavailable?: string;
}

/**
 * What a case should reach. With `against`, the figure is flowkit's median
 * divided by that baseline's median; without it, flowkit's median itself.
 */
export interface Target {
  readonly against?: string;
  readonly op: '>=' | '<=';
  readonly value: number;
}

export interface CaseSpec {
  readonly name: string;
  readonly transport: TransportName;
  readonly workload: 'bulk-64KiB' | 'bulk-16B' | 'ping-pong' | 'slow-reader' | 'idle-flows';
  readonly unit: Unit;
  readonly better: 'higher' | 'lower';
  readonly rounds: number;
  /** flowkit first, then the baselines. */
  readonly contenders: readonly Contender[];
  readonly target?: Target;
  readonly notes: readonly string[];
}

/** A raw Node baseline: which stream pair, driven in which style. */
export interface Baseline {
  readonly name: string;
  readonly source: Availability<NodePairSource>;
  readonly style: NodeStyle;
}

/** Everything the cases of one transport need. */
export interface TransportEnv {
  readonly name: TransportName;
  readonly flowkit: Availability<FlowPairSource>;
  readonly baselines: readonly Baseline[];
  /** The baseline the slow reader is compared with. */
  readonly slowBaseline: string;
  /** The baseline the headline targets divide by. */
  readonly primary: string;
}

/** Knobs for one run of the harness. */
export interface RunPlan {
  /** Milliseconds each throughput sample runs. */
  readonly ms: number;
  /** Rounds for throughput cases. */
  readonly rounds: number;
  /** Rounds for the slow-reader and idle-flows cases. */
  readonly memoryRounds: number;
  /** The slow reader stops writing after this many milliseconds (or 1 GiB, whichever first). */
  readonly slowMs: number;
  /** Idle flows to open per sample (already scaled to the descriptor limit). */
  readonly idleFlows: number;
  readonly idleNote?: string;
}

/** A sample that takes far longer than asked has hung; this much slack is allowed. */
const SLACK_MS = 15_000;
const MiB = 1024 * 1024;

function fromFlow(
  source: Availability<FlowPairSource>,
  options: PairOptions,
  limitMs: number,
  work: (flows: readonly [Flow, Flow]) => Promise<Sample>,
): Contender {
  if (!source.ok) return { name: 'flowkit', unavailable: source.reason };
  const src = source.value;
  return {
    name: 'flowkit',
    run: async () => {
      const flows = await src.pair(options);
      try {
        return await bounded(work(flows), limitMs, () => src.release(flows));
      } finally {
        src.release(flows);
      }
    },
  };
}

function fromNode(
  baseline: Baseline,
  options: PairOptions,
  limitMs: number,
  work: (pair: NodePair, style: NodeStyle) => Promise<Sample>,
): Contender {
  if (!baseline.source.ok) return { name: baseline.name, unavailable: baseline.source.reason };
  const src = baseline.source.value;
  return {
    name: baseline.name,
    run: async () => {
      const pair = await src.pair(options);
      const teardown = () => {
        pair.a.destroy();
        pair.b.destroy();
      };
      try {
        return await bounded(work(pair, baseline.style), limitMs, teardown);
      } finally {
        teardown();
      }
    },
  };
}

/** The slow-reader contenders of one transport: flowkit, and the baseline named by `env.slowBaseline`. */
export function slowContenders(env: TransportEnv, plan: SlowPlan): Contender[] {
  const limit = plan.ms + SLACK_MS;
  const options: PairOptions = { noDelay: true };
  const baseline = env.baselines.find((b) => b.name === env.slowBaseline);
  return [
    fromFlow(env.flowkit, options, limit, (flows) => flowSlowReader(flows, plan)),
    ...(baseline ? [fromNode(baseline, options, limit, (pair) => nodeSlowReader(pair, plan))] : []),
  ];
}

/**
 * Every case, in the order they run. Memory-use cases come first, while the
 * process is young: heap that earlier cases grew would hide growth from a
 * later case.
 */
export function buildCases(envs: readonly TransportEnv[], plan: RunPlan): CaseSpec[] {
  const cases: CaseSpec[] = [];
  // TCP_NODELAY on for every socket case, raw and flowkit alike, so Nagle's
  // algorithm is not a difference between them (ping-pong needs it anyway).
  const options: PairOptions = { noDelay: true };
  const limit = plan.ms + SLACK_MS;

  for (const env of envs) {
    const slowPlan: SlowPlan = {
      ms: plan.slowMs,
      bytes: 1024 * MiB,
      chunk: 64 * 1024,
      rssCeiling: 512 * MiB,
    };
    // Each slow-reader sample runs in a fresh child process: RSS is only
    // meaningful against a young heap that earlier samples have not grown.
    const inChild = (contender: Contender): Contender =>
      contender.run === undefined
        ? contender
        : { name: contender.name, run: () => slowReaderInChild(env.name, contender.name, slowPlan) };
    cases.push({
      name: `${env.name} slow reader`,
      transport: env.name,
      workload: 'slow-reader',
      unit: 'bytes',
      better: 'lower',
      rounds: plan.memoryRounds,
      contenders: slowContenders(env, slowPlan).map(inChild),
      target: { op: '<=', value: 32 * MiB },
      notes: [
        `peak RSS above a fresh child process's baseline while 64 KiB writes meet a reader taking one chunk per ms; writing stops at 1 GiB or after ${plan.slowMs} ms, whichever first`,
      ],
    });
  }

  const tcp = envs.find((e) => e.name === 'tcp');
  if (tcp) {
    const flowkit = tcp.flowkit;
    const idleLimit = 120_000;
    cases.push({
      name: 'tcp idle flows',
      transport: 'tcp',
      workload: 'idle-flows',
      unit: 'bytes/flow',
      better: 'lower',
      rounds: plan.memoryRounds,
      contenders: [
        flowkit.ok
          ? {
              name: 'flowkit',
              run: () => bounded(idleFlowkitFlows(flowkit.value, plan.idleFlows), idleLimit, () => {}),
            }
          : { name: 'flowkit', unavailable: flowkit.reason },
        {
          name: 'node-net',
          run: () => bounded(idleNodeSockets(plan.idleFlows), idleLimit, () => {}),
        },
      ],
      // Issue 10: at most 1.25× a raw socket pair (the node-duplex README says where the memory goes).
      target: { against: 'node-net', op: '<=', value: 1.25 },
      notes: [
        `${plan.idleFlows} idle connections, both ends in this process; JS heap + external memory per connection after a collection`,
        ...(plan.idleNote ? [plan.idleNote] : []),
      ],
    });
  }

  for (const env of envs) {
    for (const [workload, chunk] of [
      ['bulk-64KiB', 64 * 1024],
      ['bulk-16B', 16],
    ] as const) {
      const bulk = { ms: plan.ms, chunk };
      const target: Target | undefined =
        env.name === 'memory'
          ? chunk === 16
            ? { against: 'duplexpair', op: '>=', value: 2.0 }
            : { against: 'core-duplex', op: '>=', value: 1.0 }
          : chunk === 16
            ? undefined
            : { against: env.primary, op: '>=', value: 1.0 };
      cases.push({
        name: `${env.name} bulk ${chunk === 16 ? '16 B' : '64 KiB'} writes`,
        transport: env.name,
        workload,
        unit: 'bytes/s',
        better: 'higher',
        rounds: plan.rounds,
        contenders: [
          fromFlow(env.flowkit, options, limit, (flows) => withCpu('bytes', () => flowBulk(flows, bulk))),
          ...env.baselines.map((b) =>
            fromNode(b, options, limit, (pair, style) => withCpu('bytes', () => nodeBulk(pair, style, bulk))),
          ),
        ],
        ...(target ? { target } : {}),
        notes: [],
      });
    }
    cases.push({
      name: `${env.name} ping-pong`,
      transport: env.name,
      workload: 'ping-pong',
      unit: 'round trips/s',
      better: 'higher',
      rounds: plan.rounds,
      contenders: [
        fromFlow(env.flowkit, options, limit, (flows) =>
          withCpu('roundTrips', () => flowPingPong(flows, plan.ms)),
        ),
        ...env.baselines.map((b) =>
          fromNode(b, options, limit, (pair, style) =>
            withCpu('roundTrips', () => nodePingPong(pair, style, plan.ms)),
          ),
        ),
      ],
      ...(env.name === 'memory' ? {} : { target: { against: env.primary, op: '>=' as const, value: 0.95 } }),
      notes: [],
    });
  }
  return cases;
}
