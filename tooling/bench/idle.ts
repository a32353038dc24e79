import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import type { FlowPairSource } from './flowkit.js';
import { collect, SampleFailure, sleep } from './util.js';
import type { Sample } from './workloads/shared.js';

/** Flows opened at once while building up the idle set. */
const BATCH = 100;
/** File descriptors left for everything else the process holds. */
const SPARE_FDS = 512;

/** How many idle flows to open, and why if fewer than asked. */
export interface IdlePlan {
  readonly count: number;
  readonly note?: string;
}

/** The soft `ulimit -n`, or `undefined` if it cannot be read (then no scaling is done). */
function fileLimit(): number | undefined {
  try {
    const out = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8', timeout: 5_000 }).trim();
    return out === 'unlimited' ? Number.POSITIVE_INFINITY : Number.parseInt(out, 10);
  } catch {
    return undefined;
  }
}

/**
 * Both ends of every flow live in this process, so `count` flows need
 * `2 × count` descriptors. Nothing is raised: if the limit is lower, the
 * count is scaled down and the note says so.
 */
export function planIdle(wanted: number): IdlePlan {
  const limit = fileLimit();
  if (limit === undefined || !Number.isFinite(limit)) return { count: wanted };
  const fits = Math.floor((limit - SPARE_FDS) / 2);
  if (fits >= wanted) return { count: wanted };
  const count = Math.max(fits, 1);
  return {
    count,
    note: `idle flows scaled down from ${wanted} to ${count}: ulimit -n is ${limit}, both ends of each flow are in this process (2 descriptors each) and ${SPARE_FDS} are kept spare`,
  };
}

function heapAndExternal(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/**
 * Memory per connection (both ends) once `count` connections sit idle, as
 * JS heap plus external memory after a collection; RSS per connection is
 * kept as an extra. `open` builds one connection and returns its closer.
 */
async function measure(
  count: number,
  open: () => Promise<() => void>,
  allAccepted: () => Promise<void> = async () => {},
): Promise<Sample> {
  const closers: (() => void)[] = [];
  await settle();
  const before = heapAndExternal();
  const rssBefore = process.memoryUsage().rss;
  try {
    while (closers.length < count) {
      const batch = Math.min(BATCH, count - closers.length);
      const opened = await Promise.allSettled(Array.from({ length: batch }, open));
      let failure: unknown;
      for (const r of opened) {
        if (r.status === 'fulfilled') closers.push(r.value);
        else failure ??= r.reason;
      }
      if (failure !== undefined) {
        const text = failure instanceof Error ? failure.message : String(failure);
        const emfile = text.includes('EMFILE') ? ' — EMFILE: out of file descriptors' : '';
        throw new SampleFailure(`failed after ${closers.length} of ${count} idle flows${emfile}: ${text}`);
      }
    }
    await allAccepted();
    collect();
    const perFlow = (heapAndExternal() - before) / count;
    const rssPerFlow = (process.memoryUsage().rss - rssBefore) / count;
    return { value: perFlow, extra: { flows: count, rssPerFlow } };
  } finally {
    for (const close of closers) close();
    // Destroyed sockets keep their objects until the handle's close callback
    // runs on a later turn; let that happen so the next sample starts clean.
    await settle();
  }
}

/** Lets pending handle closes finish, then collects. */
async function settle(): Promise<void> {
  await sleep(100);
  collect();
}

/** Idle raw `net` sockets on 127.0.0.1: the baseline. */
export async function idleNodeSockets(count: number): Promise<Sample> {
  const accepted: net.Socket[] = [];
  const server = net.createServer((s) => {
    // The RST that ends each connection reaches the other end as ECONNRESET.
    s.on('error', () => {});
    accepted.push(s);
  });
  server.listen({ host: '127.0.0.1', port: 0, backlog: 1024 });
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  // A client's 'connect' can fire before the server has taken the connection
  // from its backlog; count only once both ends exist, as the flowkit side does.
  const allAccepted = async () => {
    const deadline = performance.now() + 10_000;
    while (accepted.length < count && performance.now() < deadline) await sleep(5);
    if (accepted.length < count)
      throw new SampleFailure(`only ${accepted.length} of ${count} connections accepted`);
  };
  try {
    return await measure(
      count,
      async () => {
        const socket = net.connect({ host: '127.0.0.1', port });
        try {
          await once(socket, 'connect');
        } catch (error) {
          socket.destroy();
          throw error;
        }
        // RST, not FIN: thousands of closes must not leave TIME_WAIT entries using up ports.
        socket.on('error', () => {});
        return () => socket.resetAndDestroy();
      },
      allAccepted,
    );
  } finally {
    for (const s of accepted) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Idle `@flowkit/tcp` flows through one listener. */
export async function idleFlowkitFlows(source: FlowPairSource, count: number): Promise<Sample> {
  return measure(count, async () => {
    const flows = await source.pair({ noDelay: false });
    // abort() sends RST, for the same reason as above.
    return () => source.release(flows);
  });
}
