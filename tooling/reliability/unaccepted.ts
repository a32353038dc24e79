import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { formatError } from '@flowkit/flow-types';
import * as tcp from '@flowkit/tcp';

/** What {@link runUnaccepted} saw. */
export interface UnacceptedReport {
  readonly peers: number;
  /** The listener's `backlog`: how many unaccepted connections it may hold. */
  readonly backlog: number;
  /** Most connections the listener held at once (never more than `backlog`). */
  readonly maxPending: number;
  /** Peers whose connection was refused (RST) or torn down at the listener's close. */
  readonly peersEnded: number;
  /** Largest growth of this process's RSS over its baseline while the peers pushed, in bytes. */
  readonly rssGrowth: number;
  readonly errorCount: number;
  readonly errors: readonly string[];
  readonly ms: number;
}

/**
 * The peers run in a child process, so the RSS measured is the listener's
 * alone. Each of `n` peers connects (at most 200 connects in flight), writes
 * `bytes` (one shared buffer: Node does not copy it per socket) and sends
 * its FIN. It prints `sent` once every peer has connected and queued its
 * data, then `ended <count>` once every socket was closed or reset, and
 * exits. A parent that goes away ends it too.
 */
const PEERS = `
const net = require('node:net');
const [port, n, bytes] = process.argv.slice(1).map(Number);
const payload = Buffer.alloc(bytes, 0x5a);
let started = 0, sent = 0, closed = 0, inFlight = 0;
function done() { if (++closed === n) { process.stdout.write('ended ' + closed + '\\n'); process.exit(0); } }
function more() {
  while (inFlight < 200 && started < n) {
    started++; inFlight++;
    const s = net.connect({ host: '127.0.0.1', port });
    let counted = false;
    const queued = () => { if (!counted) { counted = true; inFlight--; if (++sent === n) process.stdout.write('sent\\n'); more(); } };
    s.on('error', () => {});
    s.once('connect', () => { s.write(payload); s.end(); queued(); });
    s.once('close', () => { queued(); done(); });
  }
}
more();
process.stdin.on('end', () => process.exit(2));
process.stdin.resume();
`;

/** Resolves with the next line of `stream` that starts with `prefix`, or a timeout message. */
function nextLine(stream: NodeJS.ReadableStream, prefix: string, ms: number): Promise<string> {
  return new Promise((resolve) => {
    let buffer = '';
    const finish = (line: string) => {
      clearTimeout(timer);
      stream.off('data', onData);
      resolve(line);
    };
    const onData = (d: Buffer) => {
      buffer += d.toString('utf8');
      for (const line of buffer.split('\n').slice(0, -1)) if (line.startsWith(prefix)) return finish(line);
    };
    const timer = setTimeout(() => finish(`timeout waiting for ${prefix}`), ms);
    stream.on('data', onData);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * A tcp listener that nobody accepts on, and `peers` peers that each
 * connect, send `bytes` and FIN. The listener must hold at most `backlog`
 * of them, read nothing from them (their data stays in the kernel), refuse
 * the rest at once, and tear the held ones down at `close()`; this process's
 * RSS is sampled every 50 ms throughout.
 */
export async function runUnaccepted(options: {
  readonly peers: number;
  readonly bytes: number;
  readonly backlog: number;
  readonly deadlineMs: number;
}): Promise<UnacceptedReport> {
  const { peers, bytes, backlog, deadlineMs } = options;
  const started = Date.now();
  const deadline = started + deadlineMs;
  const errors: string[] = [];
  let errorCount = 0;
  const note = (m: string) => {
    errorCount++;
    if (errors.length < 10) errors.push(m);
  };
  collect();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  let maxPending = 0;
  const l = await tcp.listen({ host: '127.0.0.1', port: 0, backlog });
  if (!l.ok) throw new Error(`unaccepted: listen failed: ${formatError(l.error)}`);
  const listener = l.value;
  const sample = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
    maxPending = Math.max(maxPending, listener.pending);
  }, 50);
  const child = spawn(
    process.execPath,
    ['-e', PEERS, String(listener.address.port), String(peers), String(bytes)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = once(child, 'exit');
  let peersEnded = 0;
  try {
    const sent = await nextLine(child.stdout, 'sent', Math.max(1, deadline - Date.now()));
    if (sent !== 'sent') note(`peers: ${sent}`);
    // Let the held connections fill whatever the kernel lets them, then measure.
    await sleep(1_000);
    collect();
    peak = Math.max(peak, process.memoryUsage().rss);
    maxPending = Math.max(maxPending, listener.pending);
    if (maxPending > backlog) note(`held ${maxPending} unaccepted connections, more than backlog ${backlog}`);
    const ending = nextLine(child.stdout, 'ended', Math.max(1_000, deadline - Date.now()));
    await listener.close();
    const ended = await ending;
    if (ended.startsWith('ended ')) peersEnded = Number(ended.slice(6));
    else note(`peers: ${ended}`);
    if (peersEnded !== peers) note(`${peers - peersEnded} peer(s) were never refused or torn down`);
  } finally {
    clearInterval(sample);
    child.stdin.end();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    await listener.close();
  }
  return {
    peers,
    backlog,
    maxPending,
    peersEnded,
    rssGrowth: peak - baseline,
    errorCount,
    errors,
    ms: Date.now() - started,
  };
}
