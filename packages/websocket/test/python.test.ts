import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EOF, type Flow } from '@flowkit/flow-types';
import { describe, expect, it } from 'vitest';
import { connect, listen } from '../src/index.js';

// Debian's interpreter: the one python3-websockets installs into.
const PYTHON = '/usr/bin/python3';
const PEER = fileURLToPath(new URL('./python/peer.py', import.meta.url));
const TOTAL = 4 * 1024 * 1024;
const CHUNK = 64 * 1024;

interface Peer {
  readonly child: ChildProcess;
  /** Resolves with the next stdout line. */
  line(): Promise<string>;
  /** Resolves with the exit code (the peer ends itself within 30 s). */
  readonly exited: Promise<number | null>;
}

function runPeer(args: string[]): Peer {
  const child = spawn(PYTHON, [PEER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let buffered = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    for (let i = buffered.indexOf('\n'); i !== -1; i = buffered.indexOf('\n')) {
      const line = buffered.slice(0, i);
      buffered = buffered.slice(i + 1);
      const next = waiting.shift();
      if (next === undefined) lines.push(line);
      else next(line);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      for (const next of waiting.splice(0)) next(`(exited ${code}) ${stderr.trim()}`);
      resolve(code);
    }),
  );
  return {
    child,
    exited,
    line: () => {
      const ready = lines.shift();
      if (ready !== undefined) return Promise.resolve(ready);
      if (child.exitCode !== null) return Promise.resolve(`(exited ${child.exitCode}) ${stderr.trim()}`);
      return new Promise((resolve) => waiting.push(resolve));
    },
  };
}

/** Echoes every byte until EOF (or an error, returned as text). */
async function echoUntilEnd(flow: Flow): Promise<{ bytes: number; sha256: string; end: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for (;;) {
    const r = await flow.read();
    if (!r.ok) return { bytes, sha256: hash.digest('hex'), end: `${r.error.type}: ${r.error.message}` };
    if (r.value === EOF) return { bytes, sha256: hash.digest('hex'), end: 'EOF' };
    bytes += r.value.byteLength;
    hash.update(r.value);
    const w = await flow.write(r.value);
    if (!w.ok) return { bytes, sha256: hash.digest('hex'), end: `write: ${w.error.message}` };
  }
}

describe.skipIf(!existsSync(PYTHON) && process.env.CI === undefined)(
  "Python's websockets as the peer",
  () => {
    it('as a server (plain WebSocket): flowkit sends 4 MiB, reads the echo byte-exact, then the plain close (1000) ends both', async () => {
      const peer = runPeer(['server']);
      try {
        const first = await peer.line();
        expect(first).toMatch(/^port \d+$/);
        const url = `ws://127.0.0.1:${first.slice(5)}/`;

        // The default requires flowkit.v1, which this server does not speak: a typed error that says what to do.
        const strict = await connect({ url });
        expect(strict.ok).toBe(false);
        if (!strict.ok) {
          expect(strict.error.type).toBe('handshake');
          expect(strict.error.message).toContain('halfClose: false');
        }

        const dialed = await connect({ url, halfClose: false, signal: AbortSignal.timeout(10_000) });
        if (!dialed.ok) throw new Error(dialed.error.message);
        const flow = dialed.value;
        expect(flow.halfClose).toBe(false);
        const data = randomBytes(TOTAL);
        const writing = (async () => {
          for (let at = 0; at < TOTAL; at += CHUNK) {
            const w = await flow.write(data.subarray(at, at + CHUNK));
            if (!w.ok) throw new Error(w.error.message);
          }
        })();
        const back = Buffer.alloc(TOTAL);
        let n = 0;
        while (n < TOTAL) {
          const r = await flow.read();
          if (!r.ok) throw new Error(r.error.message);
          if (r.value === EOF) break;
          back.set(r.value, n);
          n += r.value.byteLength;
        }
        await writing;
        expect(n).toBe(TOTAL);
        expect(back.equals(data)).toBe(true);
        await flow.close({ signal: AbortSignal.timeout(10_000) });
        const after = await flow.read();
        expect(after).toEqual({ ok: true, value: EOF });
        expect(await peer.line()).toBe(`closed 1000 ${TOTAL}`);
        expect(await peer.exited).toBe(0);
      } finally {
        peer.child.kill();
      }
    }, 60_000);

    for (const mode of ['plain', 'v1'] as const) {
      const what =
        mode === 'plain'
          ? 'as a client (plain WebSocket): its 4 MiB come back byte-exact, and its close (1000) reads as EOF'
          : 'as a client speaking flowkit.v1 from the README: its 4 MiB come back byte-exact, its "eof" reads as EOF, ours reaches it, then the close handshake';
      it(what, async () => {
        const bound = await listen({ host: '127.0.0.1', port: 0 });
        if (!bound.ok) throw new Error(bound.error.message);
        const listener = bound.value;
        const peer = runPeer(['client', listener.address.url, mode]);
        try {
          const accepted = await listener.accept();
          if (!accepted.ok) throw new Error(accepted.error.message);
          const flow = accepted.value;
          expect(flow.halfClose).toBe(mode === 'v1');
          const echoed = await echoUntilEnd(flow);
          expect(echoed.end).toBe('EOF');
          expect(echoed.bytes).toBe(TOTAL);
          await flow.close({ signal: AbortSignal.timeout(10_000) });
          expect(await peer.line()).toBe(`ok ${TOTAL} ${echoed.sha256} 1000`);
          expect(await peer.exited).toBe(0);
        } finally {
          peer.child.kill();
          await listener.close();
        }
      }, 60_000);
    }
  },
);
