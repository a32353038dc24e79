import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';

/**
 * What the process holds, for leak checks: open file descriptors (from
 * `/proc/self/fd`) and active libuv resources by kind (from
 * `process.getActiveResourcesInfo()`).
 */
export interface Census {
  readonly fds: number;
  readonly handles: ReadonlyMap<string, number>;
}

/** Kinds of resource a flow can leak. Timers are counted too: a forgotten timeout is a leak. */
// Node 20 reports a TCP socket as 'TCPSocketWrap' (a server as 'TCPServerWrap'); 'TCPWrap' never appears.
const WATCHED = new Set([
  'TCPSocketWrap',
  'TCPServerWrap',
  'PipeWrap',
  'PipeServerWrap',
  'TLSWrap',
  'ProcessWrap',
  'Timeout',
]);

/** Counts open fds and watched handles now. */
export function census(): Census {
  let fds = 0;
  try {
    fds = readdirSync('/proc/self/fd').length;
  } catch {
    fds = -1;
  }
  const handles = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) {
    if (WATCHED.has(kind)) handles.set(kind, (handles.get(kind) ?? 0) + 1);
  }
  return { fds, handles };
}

/** What is held now beyond `baseline`: extra fds and extra handles of each kind. */
export interface Leak {
  readonly fds: number;
  readonly handles: readonly string[];
  /** fds plus handles: 0 when nothing leaked. */
  readonly total: number;
}

function compare(baseline: Census, now: Census): Leak {
  const fds = baseline.fds < 0 || now.fds < 0 ? 0 : Math.max(0, now.fds - baseline.fds);
  const handles: string[] = [];
  let extra = 0;
  for (const [kind, n] of now.handles) {
    const d = n - (baseline.handles.get(kind) ?? 0);
    if (d > 0) {
      handles.push(`${d} × ${kind}`);
      extra += d;
    }
  }
  return { fds, handles, total: fds + extra };
}

/**
 * Waits (up to `withinMs`, polling between short sleeps) for the process to
 * hold no more than `baseline`, and returns what is still held beyond it.
 * Closed handles are released on later turns of the event loop, so an
 * immediate check would report false leaks.
 */
export async function leakSince(baseline: Census, withinMs = 5_000): Promise<Leak> {
  const deadline = Date.now() + withinMs;
  let leak = compare(baseline, census());
  while (leak.total > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    leak = compare(baseline, census());
  }
  return leak;
}

/** Formats a {@link Leak} for a message. */
export function describeLeak(leak: Leak): string {
  const parts = [];
  if (leak.fds > 0) parts.push(`${leak.fds} fd(s)`);
  parts.push(...leak.handles);
  return parts.length === 0 ? 'nothing' : parts.join(', ');
}

/**
 * The soft open-file limit this process runs under, read from a child
 * shell (which inherits it). Node raises its own soft limit to the hard one
 * at start, so this is the number that bounds this process.
 */
export function openFileLimit(): Promise<number> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', 'ulimit -n'], { timeout: 5_000 }, (error, stdout) => {
      const text = String(stdout).trim();
      if (error !== null) resolve(0);
      else resolve(text === 'unlimited' ? Number.POSITIVE_INFINITY : Number(text) || 0);
    });
  });
}

/**
 * Returns a message when the soft fd limit is below `needed`, telling how
 * to raise it; `undefined` when there is room. Scenarios fail with it rather
 * than quietly shrinking.
 */
export async function fdLimitProblem(needed: number, scenario: string): Promise<string | undefined> {
  const limit = await openFileLimit();
  if (limit >= needed) return undefined;
  return (
    `${scenario} needs about ${needed} open files but the soft limit is ${limit}. ` +
    `Raise it before running (e.g. \`ulimit -n 65536\` in the shell, as .ci/run does; ` +
    `a hard limit below that needs root or /etc/security/limits.conf).`
  );
}
