import { spawn } from 'node:child_process';

/** What a finished command left behind. */
export interface Ran {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
  readonly ms: number;
  readonly timedOut: boolean;
}

/** Options of {@link run}. */
export interface RunOptions {
  readonly cwd: string;
  /** Extra environment variables, laid over this process's. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Kill the command (and its process group) after this many ms. Default 120,000. */
  readonly timeoutMs?: number;
  /** Echo the output as it comes, prefixed with this label. */
  readonly echo?: string;
}

/**
 * Runs a command to its end with a hard time limit and returns its exit and
 * merged output; never throws for a failing command. The command runs in its
 * own process group so the limit also ends whatever it started (a registry,
 * a test server).
 */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<Ran> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    let timedOut = false;
    const take = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      if (options.echo !== undefined) {
        for (const line of text.split('\n'))
          if (line !== '') process.stdout.write(`  [${options.echo}] ${line}\n`);
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, options.timeoutMs ?? 120_000);
    child.on('error', (error) => {
      output += `\n${error.message}`;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output, ms: performance.now() - started, timedOut });
    });
  });
}

/** Ends a process group we started; a group already gone is not an error. */
export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already exited.
  }
}

/** One line that says how a command ended, for reports. */
export function describeExit(ran: Ran): string {
  if (ran.timedOut) return `timed out after ${Math.round(ran.ms / 1000)} s`;
  if (ran.signal !== null) return `killed by ${ran.signal}`;
  return `exit ${ran.code}`;
}

/** The last `lines` lines of an output, for a failure message. */
export function tail(output: string, lines = 30): string {
  return output.trimEnd().split('\n').slice(-lines).join('\n');
}
