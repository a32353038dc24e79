import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EOF, type Flow, type FlowError } from '@flowkit/flow-types';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { attach, type WebSocketFlow } from '../src/index.js';

const CHROMIUM = '/usr/bin/chromium';
const here = fileURLToPath(new URL('.', import.meta.url));
const TOTAL = 1024 * 1024;
const DEADLINE_MS = 60_000;

/** The page script, bundled the way a browser app would: `browser` export condition, no `node:` module allowed. */
async function bundlePage(): Promise<string> {
  const out = await build({
    entryPoints: [join(here, 'browser', 'page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['@flowkit/source', 'browser'],
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

interface NodeSide {
  echo: { bytes: number; end: string; trailerWrite: string };
  abort: { bytes: number; end: FlowError | 'EOF' };
}

/** Echoes until EOF, then (half-closed by the browser) still writes a trailer, then closes. */
async function serveEcho(flow: WebSocketFlow): Promise<NodeSide['echo']> {
  let bytes = 0;
  for (;;) {
    const r = await flow.read();
    if (!r.ok) return { bytes, end: `${r.error.type}: ${r.error.message}`, trailerWrite: 'not tried' };
    if (r.value === EOF) break;
    bytes += r.value.byteLength;
    const w = await flow.write(r.value);
    if (!w.ok) return { bytes, end: `write: ${w.error.message}`, trailerWrite: 'not tried' };
  }
  const trailer = await flow.write(new TextEncoder().encode('bye'));
  await flow.close({ signal: AbortSignal.timeout(10_000) });
  return { bytes, end: 'EOF', trailerWrite: trailer.ok ? 'ok' : trailer.error.message };
}

async function readToEnd(flow: Flow): Promise<NodeSide['abort']> {
  let bytes = 0;
  for (;;) {
    const r = await flow.read();
    if (!r.ok) return { bytes, end: r.error };
    if (r.value === EOF) return { bytes, end: 'EOF' };
    bytes += r.value.byteLength;
  }
}

function startChromium(url: string, profile: string): ChildProcess {
  // CI runs as root: Chromium refuses to start sandboxed there.
  return spawn(
    CHROMIUM,
    ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', `--user-data-dir=${profile}`, url],
    { stdio: 'ignore', detached: true },
  );
}

function stopChromium(child: ChildProcess): void {
  // Chromium forks helpers (zygote, renderer): end the whole process group this test started.
  if (child.pid !== undefined && child.exitCode === null) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

describe.skipIf(!existsSync(CHROMIUM) && process.env.CI === undefined)(
  'a real browser (headless Chromium)',
  () => {
    it('dials a flowkit listener: 1 MiB echoes byte-exact, half-close lets the server write after EOF, abort reads as reset', async () => {
      const script = await bundlePage();
      let pageResult: (value: unknown) => void = () => {};
      const fromPage = new Promise<unknown>((resolve) => {
        pageResult = resolve;
      });
      const server: Server = createServer((request, response) => {
        if (request.method === 'POST' && request.url === '/result') {
          let body = '';
          request.setEncoding('utf8');
          request.on('data', (c: string) => {
            body += c;
          });
          request.on('end', () => {
            response.end('ok');
            pageResult(JSON.parse(body));
          });
          return;
        }
        if (request.url === '/page.js') {
          response.writeHead(200, { 'content-type': 'text/javascript' });
          response.end(script);
          return;
        }
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<!doctype html><script type="module" src="/page.js"></script>');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as AddressInfo).port;
      const attached = attach(server, { path: '/flow' });
      if (!attached.ok) throw new Error(attached.error.message);
      const listener = attached.value;
      const profile = mkdtempSync(join(tmpdir(), 'flowkit-chromium-'));
      const wsUrl = `ws://127.0.0.1:${port}/flow`;
      const chromium = startChromium(`http://127.0.0.1:${port}/?ws=${encodeURIComponent(wsUrl)}`, profile);
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        const nodeSide = (async (): Promise<NodeSide> => {
          const first = await listener.accept();
          if (!first.ok) throw new Error(first.error.message);
          expect(first.value.halfClose).toBe(true);
          const echo = await serveEcho(first.value);
          const second = await listener.accept();
          if (!second.ok) throw new Error(second.error.message);
          return { echo, abort: await readToEnd(second.value) };
        })();
        const timedOut = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('the browser run took over 60 s')), DEADLINE_MS);
        });
        const [page, node] = await Promise.race([Promise.all([fromPage, nodeSide]), timedOut]);
        expect(page).toEqual({
          echo: {
            protocol: 'flowkit.v1',
            halfClose: true,
            writes: 'ok',
            bytes: TOTAL + 3,
            firstMismatch: -1,
            trailer: 'bye',
          },
          abort: { readAfterAbort: 'aborted' },
        });
        expect(node.echo).toEqual({ bytes: TOTAL, end: 'EOF', trailerWrite: 'ok' });
        expect(node.abort.bytes).toBe('about to abort'.length);
        expect(node.abort.end).not.toBe('EOF');
        expect((node.abort.end as FlowError).type).toBe('reset');
        expect((node.abort.end as FlowError).message).toContain('4000');
      } finally {
        if (timer !== undefined) clearTimeout(timer);
        stopChromium(chromium);
        await listener.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        rmSync(profile, { recursive: true, force: true });
      }
    }, 90_000);
  },
);
