import { spawn } from 'node:child_process';
import { once, setMaxListeners } from 'node:events';
import { formatError } from '@flowkit/flow-types';
import * as tcp from '@flowkit/tcp';
import { fdLimitProblem } from './resources.js';

/** What {@link runIdle} saw. */
export interface IdleReport {
  readonly flows: number;
  /** Flows accepted and held open at the same moment. */
  readonly held: number;
  /** Flows whose `close()` resolved after the peer closed too. */
  readonly closed: number;
  readonly errorCount: number;
  readonly errors: readonly string[];
  readonly ms: number;
}

/**
 * The dialing side runs in a child process, so each process holds one fd per
 * flow, not two. It opens `n` plain sockets to the port (at most 500 connects
 * in flight), prints `connected`, and once every socket has read EOF (our
 * close) prints `closed` and exits. A parent that goes away ends it too.
 */
const DIALER = `
const net = require('node:net');
const [port, n] = process.argv.slice(1).map(Number);
let started = 0, connected = 0, ended = 0, inFlight = 0;
const fail = (m) => { process.stdout.write('error ' + m + '\\n'); process.exit(1); };
function more() {
  while (inFlight < 500 && started < n) {
    started++; inFlight++;
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('error', (e) => fail(e.code || e.message));
    s.once('connect', () => {
      inFlight--;
      if (++connected === n) process.stdout.write('connected\\n');
      more();
    });
    s.on('end', () => { s.end(); if (++ended === n) { process.stdout.write('closed\\n'); process.exit(0); } });
    s.resume();
  }
}
more();
process.stdin.on('end', () => process.exit(2));
process.stdin.resume();
`;

function lineReader(stream: NodeJS.ReadableStream): (want: string, ms: number) => Promise<string> {
  let buffer = '';
  const lines: string[] = [];
  let wake: (() => void) | undefined;
  stream.setEncoding('utf8');
  stream.on('data', (d: string) => {
    buffer += d;
    let i = buffer.indexOf('\n');
    while (i >= 0) {
      lines.push(buffer.slice(0, i));
      buffer = buffer.slice(i + 1);
      i = buffer.indexOf('\n');
    }
    wake?.();
  });
  stream.on('end', () => wake?.());
  return async (want, ms) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const line = lines.shift();
      if (line !== undefined) return line;
      const left = deadline - Date.now();
      if (left <= 0) return `timeout waiting for ${want}`;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 1_000));
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = undefined;
    }
  };
}

/**
 * Accepts `flows` idle TCP flows on loopback, holds them all open at once,
 * then closes every one (our half-close, the peer's close, `close()`
 * resolving). Fails up front with a message saying how to raise the limit
 * when the soft fd limit is too low, instead of quietly doing fewer.
 */
export async function runIdle(flows: number, deadlineMs: number): Promise<IdleReport> {
  const started = Date.now();
  const errors: string[] = [];
  let errorCount = 0;
  const note = (m: string) => {
    errorCount++;
    if (errors.length < 10) errors.push(m);
  };
  const problem = await fdLimitProblem(flows + 512, `holding ${flows} idle flows`);
  if (problem !== undefined) throw new Error(problem);
  const l = await tcp.listen({ host: '127.0.0.1', port: 0, backlog: 4096 });
  if (!l.ok) throw new Error(`idle: listen failed: ${formatError(l.error)}`);
  const listener = l.value;
  const child = spawn(process.execPath, ['-e', DIALER, String(listener.address.port), String(flows)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const next = lineReader(child.stdout);
  const accepted: tcp.TcpFlow[] = [];
  let closed = 0;
  try {
    const deadline = started + deadlineMs;
    while (accepted.length < flows && Date.now() < deadline) {
      let cancel = () => {};
      const a = await Promise.race([
        listener.accept(),
        new Promise<undefined>((resolve) => {
          const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
          cancel = () => clearTimeout(timer);
        }),
      ]);
      cancel();
      if (a === undefined) {
        note(`accepted ${accepted.length} of ${flows} before the deadline`);
        break;
      }
      if (!a.ok) {
        note(`accept: ${formatError(a.error)}`);
        break;
      }
      accepted.push(a.value);
    }
    const line = await next('connected', Math.max(1, deadline - Date.now()));
    if (line !== 'connected') note(`dialer: ${line}`);
    const held = accepted.filter((f) => f.state === 'open').length;
    if (held !== flows) note(`held ${held} of ${flows} flows open at once`);
    const bound = AbortSignal.timeout(Math.max(1_000, deadline - Date.now()));
    setMaxListeners(flows + 16, bound);
    await Promise.all(
      accepted.map(async (f) => {
        await f.close({ signal: bound });
        if (f.state === 'closed') closed++;
      }),
    );
    const done = await next('closed', Math.max(1_000, deadline - Date.now()));
    if (done !== 'closed') note(`dialer: ${done}`);
    if (closed !== flows) note(`${flows - closed} flow(s) did not close cleanly`);
    return { flows, held, closed, errorCount, errors, ms: Date.now() - started };
  } finally {
    for (const f of accepted) f.abort();
    child.stdin.end();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    await listener.close();
  }
}
