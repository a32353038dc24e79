import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installOnce } from './cache.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const pinned = join(here, 'verdaccio');

/** A running local registry and what a client needs to publish to it. */
export interface Registry {
  /** `http://127.0.0.1:<port>/`, always loopback. */
  readonly url: string;
  /** A token of a user created on this registry only, for publishing. */
  readonly token: string;
  /** Stops the registry and waits for its process to exit. */
  stop(): Promise<void>;
}

/**
 * Verdaccio with storage and config under `scratch`, no uplinks (it can
 * serve only what is published to it), anyone may read and publish. The
 * pinned install lives in the cache (see `verdaccio/package.json`).
 */
export async function startRegistry(scratch: string): Promise<Registry> {
  const lock = readFileSync(join(pinned, 'package-lock.json'), 'utf8');
  const key = `verdaccio-${createHashHex(lock).slice(0, 12)}`;
  const dir = await installOnce(key, (target) => {
    copyFileSync(join(pinned, 'package.json'), join(target, 'package.json'));
    copyFileSync(join(pinned, 'package-lock.json'), join(target, 'package-lock.json'));
  });
  const config = join(scratch, 'verdaccio.yaml');
  writeFileSync(config, verdaccioConfig(scratch));
  const child = spawn(process.execPath, [join(pinned, 'launch.cjs'), dir, config], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const port = await listeningPort(child);
  const url = `http://127.0.0.1:${port}/`;
  const token = await createUser(url);
  return {
    url,
    token,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function verdaccioConfig(scratch: string): string {
  return [
    `storage: ${JSON.stringify(join(scratch, 'storage'))}`,
    'auth:',
    '  htpasswd:',
    `    file: ${JSON.stringify(join(scratch, 'htpasswd'))}`,
    '    max_users: 10',
    'uplinks: {}',
    'packages:',
    "  '**':",
    '    access: $all',
    '    publish: $all',
    '    unpublish: $all',
    'web:',
    '  enable: false',
    'log: { type: stdout, format: pretty, level: warn }',
    'max_body_size: 100mb',
    '',
  ].join('\n');
}

function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`verdaccio did not start within 60 s:\n${seen}`));
    }, 60_000);
    const take = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /^port (\d+)$/m.exec(seen);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        child.stdout?.off('data', take);
        child.stdout?.resume();
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`verdaccio exited (${code}) before listening:\n${seen}`));
    });
  });
}

/** npm's `adduser` by hand: the registry answers with a token for the new user. */
async function createUser(url: string): Promise<string> {
  const name = 'flowkit-release';
  const response = await fetch(new URL(`-/user/org.couchdb.user:${name}`, url), {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: 'local-only-registry', type: 'user', roles: [] }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json()) as { token?: unknown };
  if (!response.ok || typeof body.token !== 'string') {
    throw new Error(`registry refused the release user: ${response.status} ${JSON.stringify(body)}`);
  }
  return body.token;
}

function createHashHex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
