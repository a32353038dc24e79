import { readFile } from 'node:fs/promises';
import { proxy } from '@flowkit/combinators';
import { formatWriteError } from '@flowkit/flow-types';
import { type CommandLine, type Config, checkArgv, parseCommandLine } from './command-line.js';
import { type Endpoint, type EndpointContext, prepare, type TlsMaterial } from './endpoint.js';
import { ExitCode } from './exit-codes.js';
import { MeteredFlow } from './metered.js';
import { progressLine } from './progress.js';

/** The process streams flowcat uses; tests pass their own. */
export interface Io {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean };
  /** Aborted on SIGINT/SIGTERM by the CLI. */
  readonly interrupt?: AbortSignal;
}

class IdleTimeout extends Error {
  constructor(seconds: number) {
    super(`no data moved for ${seconds} s`);
  }
}

/**
 * What each TLS file must hold, checked before any connection: a file that
 * holds no PEM block of the right kind (an empty file, a DER file, the key
 * given as --cert) is a usage error, not a handshake that fails later.
 */
const PEM_KINDS = {
  ca: { marker: /-----BEGIN (?:TRUSTED )?CERTIFICATE-----/, what: 'PEM certificate' },
  cert: { marker: /-----BEGIN (?:TRUSTED )?CERTIFICATE-----/, what: 'PEM certificate' },
  key: { marker: /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/, what: 'PEM private key' },
} as const;

async function readTlsFiles(config: Config): Promise<TlsMaterial | string> {
  const read = async (
    flag: keyof typeof PEM_KINDS,
    path: string | undefined,
  ): Promise<Uint8Array | undefined | string> => {
    if (path === undefined) return undefined;
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (e) {
      const code = (e as { code?: string }).code ?? 'error';
      return `--${flag} ${path}: cannot read the file (${code})`;
    }
    const kind = PEM_KINDS[flag];
    if (!kind.marker.test(new TextDecoder().decode(bytes))) {
      return `--${flag} ${path}: the file holds no ${kind.what} ("-----BEGIN …-----" block)`;
    }
    return bytes;
  };
  const ca = await read('ca', config.tls.ca);
  if (typeof ca === 'string') return ca;
  const cert = await read('cert', config.tls.cert);
  if (typeof cert === 'string') return cert;
  const key = await read('key', config.tls.key);
  if (typeof key === 'string') return key;
  return {
    ca,
    cert,
    key,
    servername: config.tls.servername,
    alpn: config.tls.alpn,
    insecure: config.tls.insecure,
  };
}

/**
 * Runs flowcat with `argv` (the arguments after the program name) and
 * resolves with the exit status; never rejects for I/O. Every error is one
 * line on `io.stderr`, prefixed `flowcat: `, naming the address involved.
 * An `argv` that is not an array of strings throws a `TypeError` at the call.
 */
export function main(argv: readonly string[], io: Io): Promise<ExitCode> {
  // A programming error (not an array of strings) is a TypeError here, at the call.
  return mainChecked(checkArgv(argv, 'main'), io);
}

async function mainChecked(argv: readonly string[], io: Io): Promise<ExitCode> {
  const say = (line: string): void => {
    io.stderr.write(`flowcat: ${line}\n`);
  };
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (e) {
    say(`internal error: ${String(e)}`);
    return ExitCode.internal;
  }
  if (!parsed.ok) {
    say(parsed.error.message);
    return ExitCode.usage;
  }
  const line: CommandLine = parsed.value;
  if (line.kind === 'print') {
    io.stdout.write(line.text);
    return ExitCode.success;
  }
  return run(line.config, io, say);
}

async function run(config: Config, io: Io, say: (line: string) => void): Promise<ExitCode> {
  const log = config.verbose ? say : () => {};
  const tls = await readTlsFiles(config);
  if (typeof tls === 'string') {
    say(tls);
    return ExitCode.usage;
  }
  if (tls.insecure)
    say('warning: --insecure: the TLS server certificate is NOT verified; anyone can intercept');

  const stop = new AbortController();
  const onInterrupt = (): void => stop.abort(new Error('interrupted'));
  io.interrupt?.addEventListener('abort', onInterrupt, { once: true });
  const ctx: EndpointContext = {
    tls,
    connectTimeoutMs: config.timeoutSeconds === undefined ? undefined : config.timeoutSeconds * 1000,
    signal: stop.signal,
    log,
    warn: say,
    stdio: { stdin: io.stdin, stdout: io.stdout },
  };

  const [firstAddress, secondAddress] = config.addresses;
  const endpoints: Endpoint[] = [];
  try {
    for (const address of secondAddress === undefined
      ? [firstAddress, { kind: 'stdio' } as const]
      : [firstAddress, secondAddress]) {
      const e = await prepare(address, ctx);
      if (!e.ok) {
        say(e.error.message);
        return e.error.usage ? ExitCode.usage : ExitCode.connect;
      }
      endpoints.push(e.value);
    }
    const [a, b] = endpoints as [Endpoint, Endpoint];
    // With --keep-listening, serve connections one after another until an error or a signal.
    for (let served = 0; ; served++) {
      const code = await relayOnce(a, b, config, io, say, log, stop);
      if (code !== ExitCode.success || !config.keepListening || stop.signal.aborted) return code;
      log(`connection ${served + 1} done; waiting for the next`);
    }
  } finally {
    io.interrupt?.removeEventListener('abort', onInterrupt);
    await Promise.all(endpoints.map((e) => e.close()));
  }
}

/** Whether `error` (or stdout's own state) says stdout's reader went away. */
function stdoutClosed(stdout: NodeJS.WritableStream, error: unknown): boolean {
  const codes: unknown[] = [(stdout as { errored?: { code?: unknown } | null }).errored?.code];
  // The flow's error, and the causes it keeps (a `closed` write error wraps the reset).
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 4; depth++) {
    codes.push((e as { code?: unknown }).code);
    e = (e as { cause?: unknown }).cause;
  }
  return codes.includes('EPIPE');
}

async function relayOnce(
  a: Endpoint,
  b: Endpoint,
  config: Config,
  io: Io,
  say: (line: string) => void,
  log: (line: string) => void,
  stop: AbortController,
): Promise<ExitCode> {
  // Listeners first, so "cat file | flowcat tcp-listen:P tcp:…" waits for its client before dialing.
  const order = b.listening && !a.listening ? [b, a] : [a, b];
  const flows = new Map<Endpoint, MeteredFlow>();
  const relay = new AbortController();
  const idleSeconds = config.timeoutSeconds;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  const touch = (): void => {
    idleTimer?.refresh();
  };
  for (const endpoint of order) {
    const f = await endpoint.next();
    if (!f.ok) {
      for (const open of flows.values()) open.abort(new Error('the other side failed to open'));
      if (stop.signal.aborted) {
        say(`${endpoint.label}: interrupted`);
        return ExitCode.interrupted;
      }
      say(f.error.message);
      return f.error.usage ? ExitCode.usage : ExitCode.connect;
    }
    log(`${endpoint.listening ? 'accepted a connection on' : 'opened'} ${endpoint.label}`);
    flows.set(endpoint, new MeteredFlow(f.value, touch));
  }
  const fa = flows.get(a)!;
  const fb = flows.get(b)!;

  const showProgress =
    config.progress === 'always' || (config.progress === 'auto' && io.stderr.isTTY === true);
  const started = performance.now();
  const tty = io.stderr.isTTY === true;
  const draw = (final: boolean): void => {
    const text = progressLine(fa.bytesRead, fb.bytesRead, performance.now() - started);
    io.stderr.write(tty ? `\r${text}${final ? '\n' : ''}` : `flowcat: ${text}\n`);
  };
  const progressTimer = showProgress ? setInterval(() => draw(false), 1000) : undefined;
  if (idleSeconds !== undefined) {
    idleTimer = setTimeout(() => relay.abort(new IdleTimeout(idleSeconds)), idleSeconds * 1000);
  }
  const onStop = (): void => relay.abort(stop.signal.reason);
  stop.signal.addEventListener('abort', onStop, { once: true });

  try {
    const r = await proxy(fa, fb, { signal: relay.signal });
    if (showProgress) draw(true);
    if (r.ok) {
      log(
        `done: ${a.label} → ${b.label} ${r.value.aToB.bytes} bytes, ${b.label} → ${a.label} ${r.value.bToA.bytes} bytes`,
      );
      return ExitCode.success;
    }
    if (r.error.type === 'invalid-option') {
      // flowcat builds proxy's options itself: this would be its own bug.
      say(`internal error: ${r.error.message}`);
      return ExitCode.internal;
    }
    const e = r.error.error;
    if (e.type === 'aborted') {
      if (relay.signal.reason instanceof IdleTimeout) {
        say(`${a.label} ⇄ ${b.label}: idle timeout: ${relay.signal.reason.message}`);
        return ExitCode.idle;
      }
      say(`${a.label} ⇄ ${b.label}: interrupted`);
      return ExitCode.interrupted;
    }
    const [src, dst] = r.error.direction === 'aToB' ? [a, b] : [b, a];
    // stdin and stdout are one flow, so a closed stdout (`flowcat … | head`)
    // tears down its reading side too, and whichever direction notices first
    // reports it. EPIPE only ever comes from writing: name the write.
    const stdio = e.type === 'read' ? src : dst;
    if (stdio.label === 'stdio' && stdoutClosed(io.stdout, e.error)) {
      say('stdio: write failed: stdout was closed by its reader (EPIPE)');
      return ExitCode.peer;
    }
    if (e.type === 'read') say(`${src.label}: read failed: ${e.error.type}: ${e.error.message}`);
    else if (e.type === 'close-write') say(`${dst.label}: half-close failed: ${formatWriteError(e.error)}`);
    else say(`${dst.label}: write failed: ${formatWriteError(e.error)}`);
    return ExitCode.peer;
  } finally {
    clearInterval(progressTimer);
    clearTimeout(idleTimer);
    stop.signal.removeEventListener('abort', onStop);
  }
}
