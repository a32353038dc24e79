import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Contender, RunPlan, TransportName } from './cases.js';
import { SampleFailure } from './util.js';
import type { Sample } from './workloads/shared.js';

const script = fileURLToPath(new URL('./isolated-worker.ts', import.meta.url));

/** What the parent asks a worker. */
export type WorkerRequest = { readonly type: 'run' } | { readonly type: 'stop' };
/** What a worker answers. */
export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'unavailable'; readonly reason: string }
  | { readonly type: 'sample'; readonly sample: Sample }
  | { readonly type: 'failed'; readonly error: string };

/** Set-up (tsx, transports, certificate) on a loaded machine; then the worker is written off. */
const START_MS = 60_000;

/**
 * One contender of one case, in a process of its own that lives for that
 * case's rounds. Contenders never share a V8 heap or JIT state: a gc() after
 * a 64 KiB memory run deoptimised stream code for every later run in the same
 * process (about 2× slower), and one contender's type feedback on Node's
 * stream internals made the next one's code polymorphic.
 */
export class IsolatedContender {
  private readonly child: ChildProcess;
  private readonly replies: WorkerReply[] = [];
  private waiter: ((reply: WorkerReply | undefined) => void) | undefined;
  private exited = false;

  private constructor(transport: TransportName, caseName: string, contender: string, plan: RunPlan) {
    this.child = fork(script, [transport, caseName, contender, JSON.stringify(plan)], {
      execArgv: process.execArgv,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    this.child.on('message', (reply: WorkerReply) => {
      const waiter = this.waiter;
      this.waiter = undefined;
      if (waiter) waiter(reply);
      else this.replies.push(reply);
    });
    this.child.on('exit', () => {
      this.exited = true;
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter?.(undefined);
    });
  }

  /** Starts the worker and waits until it has set up its transport (or says why it cannot). */
  static async start(
    transport: TransportName,
    caseName: string,
    contender: string,
    plan: RunPlan,
  ): Promise<IsolatedContender | string> {
    const worker = new IsolatedContender(transport, caseName, contender, plan);
    const first = await worker.next(START_MS);
    if (first?.type === 'ready') return worker;
    worker.kill();
    if (first?.type === 'unavailable') return first.reason;
    return first === undefined ? 'worker process did not start' : `unexpected reply ${first.type}`;
  }

  private next(ms: number): Promise<WorkerReply | undefined> {
    const queued = this.replies.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.exited) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve(undefined);
      }, ms);
      this.waiter = (reply) => {
        clearTimeout(timer);
        resolve(reply);
      };
    });
  }

  /** One sample; the worker bounds the sample itself, `ms` bounds the wait for its answer. */
  async run(ms: number): Promise<Sample> {
    if (this.exited) throw new SampleFailure('worker process has exited');
    this.child.send({ type: 'run' } satisfies WorkerRequest);
    const reply = await this.next(ms);
    if (reply?.type === 'sample') return reply.sample;
    if (reply?.type === 'failed') throw new SampleFailure(reply.error);
    this.kill();
    throw new SampleFailure(reply === undefined ? `worker gave no answer within ${ms} ms` : reply.type);
  }

  /** Lets the worker close its listeners, then makes sure it is gone. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      this.child.send({ type: 'stop' } satisfies WorkerRequest);
    } catch {
      // channel already closed
    }
    const timer = setTimeout(() => this.kill(), 10_000);
    await gone;
    clearTimeout(timer);
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

/** Contenders as they run in the parent: `run` asks the contender's own worker. */
export interface IsolatedCase {
  readonly contenders: readonly Contender[];
  stop(): Promise<void>;
  kill(): void;
}

/**
 * Starts one worker per available contender of a case (all at once, before
 * the first round, so start-up never overlaps a sample) and returns
 * contenders whose `run` goes to those workers.
 */
export async function isolateCase(
  transport: TransportName,
  caseName: string,
  contenders: readonly Contender[],
  plan: RunPlan,
  sampleLimitMs: number,
): Promise<IsolatedCase> {
  const workers = await Promise.all(
    contenders.map((c) =>
      c.run === undefined
        ? Promise.resolve(undefined)
        : IsolatedContender.start(transport, caseName, c.name, plan),
    ),
  );
  const isolated = contenders.map((c, i): Contender => {
    const worker = workers[i];
    if (worker === undefined) return c;
    if (typeof worker === 'string') return { name: c.name, unavailable: worker };
    return { name: c.name, run: () => worker.run(sampleLimitMs) };
  });
  const live = workers.filter((w): w is IsolatedContender => w instanceof IsolatedContender);
  return {
    contenders: isolated,
    stop: async () => {
      await Promise.all(live.map((w) => w.stop()));
    },
    kill: () => {
      for (const w of live) w.kill();
    },
  };
}
