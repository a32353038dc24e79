// The browser run: bundles browser-page.ts with esbuild (default conditions,
// so the BUILT packages), serves it on 127.0.0.1, opens it in headless
// Chromium (Debian's /usr/bin/chromium; --no-sandbox because CI runs as root)
// and waits for the page to post its report. Everything it starts stops by
// itself: Chromium is killed when the report arrives or after the time limit.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { killGroup } from '../release/exec.js';
import type { CellReport } from './cell.js';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** What the page posts. */
export interface BrowserReport {
  readonly userAgent?: string;
  readonly cells?: readonly (Omit<CellReport, 'package'> & { package: string })[];
  readonly error?: string;
}

/** Runs the page in headless Chromium; resolves with its report or an `error`. */
export async function runInBrowser(timeoutMs = 180_000): Promise<BrowserReport> {
  const bundled = await build({
    entryPoints: [fileURLToPath(new URL('browser-page.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const script = bundled.outputFiles[0]?.text ?? '';
  const page =
    '<!doctype html><meta charset="utf-8"><title>flowkit conformance</title><script type="module" src="/page.js"></script>';
  let deliver: (report: BrowserReport) => void = () => {};
  const reported = new Promise<BrowserReport>((resolve) => {
    deliver = resolve;
  });
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/report') {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        res.end('ok');
        try {
          deliver(JSON.parse(body) as BrowserReport);
        } catch (error) {
          deliver({ error: `unreadable report: ${String(error)}` });
        }
      });
      return;
    }
    const [type, content] =
      req.url === '/page.js' ? ['text/javascript', script] : req.url === '/' ? ['text/html', page] : ['', ''];
    res.writeHead(type === '' ? 404 : 200, type === '' ? {} : { 'content-type': type });
    res.end(content);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const profile = mkdtempSync(join(tmpdir(), 'flowkit-chromium-'));
  const chromium = spawn(
    CHROMIUM,
    [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--disable-extensions',
      `--user-data-dir=${profile}`,
      `http://127.0.0.1:${port}/`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  let stderr = '';
  chromium.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const exited = new Promise<BrowserReport>((resolve) => {
    chromium.once('exit', (code, signal) =>
      resolve({ error: `chromium exited (${code ?? signal}) before reporting: ${stderr}` }),
    );
    chromium.once('error', (error) => resolve({ error: `chromium did not start: ${error.message}` }));
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<BrowserReport>((resolve) => {
    timer = setTimeout(() => resolve({ error: `no report within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([reported, exited, timedOut]);
  } finally {
    clearTimeout(timer);
    killGroup(chromium.pid);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
    rmSync(profile, { recursive: true, force: true });
  }
}
