import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('../..', import.meta.url));

/** A spawned process whose output is collected and whose exit can be awaited. */
export interface Running {
  readonly child: ChildProcess;
  stdout(): Buffer;
  stderr(): string;
  /** Resolves with the exit code (or 128 + signal number style `-1` when killed). */
  readonly exited: Promise<number>;
  /** Resolves with the first match of `re` in stderr (bounded by `ms`). */
  waitForStderr(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
}

const running = new Set<Running>();

/** Spawns `command` with collected output; every process is tracked for {@link killAll}. */
export function start(command: string, args: readonly string[], options: { cwd?: string } = {}): Running {
  const child = spawn(command, args, { cwd: options.cwd ?? packageDir, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let err = '';
  const watchers = new Set<() => void>();
  child.stdout!.on('data', (b: Buffer) => out.push(b));
  child.stderr!.on('data', (b: Buffer) => {
    err += b.toString('utf8');
    for (const w of watchers) w();
  });
  // A child that exits before we finish writing its stdin must not crash the test.
  child.stdin!.on('error', () => {});
  const exited = new Promise<number>((resolve) => {
    child.on('close', (code) => resolve(code ?? -1));
  });
  const r: Running = {
    child,
    stdout: () => Buffer.concat(out),
    stderr: () => err,
    exited,
    waitForStderr(re, ms = 15_000) {
      return new Promise((resolve, reject) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const check = (): void => {
          const m = err.match(re);
          if (m) {
            watchers.delete(check);
            clearTimeout(timer);
            resolve(m);
          }
        };
        timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`stderr never matched ${re}; stderr was: ${err}`));
        }, ms);
        watchers.add(check);
        void exited.then(() => {
          if (watchers.has(check)) {
            watchers.delete(check);
            clearTimeout(timer);
            reject(new Error(`process exited before stderr matched ${re}; stderr was: ${err}`));
          }
        });
        check();
      });
    },
  };
  running.add(r);
  void exited.then(() => running.delete(r));
  return r;
}

/** Runs flowcat from source (no build) with `args`. */
export function flowcat(...args: string[]): Running {
  return start(process.execPath, ['--conditions=@flowkit/source', '--import', 'tsx', cli, ...args]);
}

/** Kills every process still running and waits for each to exit. */
export async function killAll(): Promise<void> {
  const left = [...running];
  for (const r of left) r.child.kill('SIGKILL');
  await Promise.all(left.map((r) => r.exited));
}

/** A fresh temporary directory, and a function that removes it. */
export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'flowcat-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `data` to the child's stdin and ends it. */
export function feed(r: Running, data: Uint8Array | string): void {
  r.child.stdin!.end(data);
}

/** The port a `-v` flowcat printed for its listener. */
export async function listeningPort(r: Running): Promise<number> {
  const m = await r.waitForStderr(/listening on t(?:cp|ls)-listen:.*:(\d+)\n/);
  return Number(m[1]);
}
