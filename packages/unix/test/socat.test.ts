import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EOF, type Flow } from '@flowkit/flow-types';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { connect, type UnixFlow } from '../src/index.js';

// Interop with a peer that is not ours. socat must be installed: these
// tests fail (they do not skip) when it is missing.
const SOCAT = '/usr/bin/socat';
const dir = mkdtempSync(join(tmpdir(), 'flowkit-unix-socat-'));
const children: ChildProcess[] = [];
const flows: Flow[] = [];

afterEach(async () => {
  for (const f of flows.splice(0)) f.abort();
  await Promise.all(
    children.splice(0).map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;

/** Starts socat listening on a fresh socket path and dials it, retrying while it starts. */
async function socat(peer: string): Promise<UnixFlow> {
  const path = join(dir, `socat${n++}.sock`);
  const child = spawn(SOCAT, ['-t', '10', `UNIX-LISTEN:${path}`, peer], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const deadline = Date.now() + 5_000;
  for (let i = 0; i < 200 && Date.now() < deadline; i++) {
    const r = await connect({ path });
    if (r.ok) {
      flows.push(r.value);
      return r.value;
    }
    const failed = await Promise.race([
      spawnError,
      new Promise<null>((res) => setTimeout(() => res(null), 25)),
    ]);
    if (failed !== null) throw new Error(`socat did not start: ${failed.message}`);
  }
  throw new Error('socat did not start listening within 5 s');
}

async function readAll(flow: Flow, limit: number): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const r = await flow.read();
    if (!r.ok) throw new Error(r.error.message);
    if (r.value === EOF) return Buffer.concat(parts);
    parts.push(r.value);
    total += r.value.length;
    if (total > limit) throw new Error('read more than was sent');
  }
}

describe('unix against socat', () => {
  it('echoes 4 MiB byte-exact through socat EXEC:cat', async () => {
    const flow = await socat('EXEC:cat');
    const data = randomBytes(4 * 1024 * 1024);
    const reading = readAll(flow, data.length);
    for (let off = 0; off < data.length; off += 64 * 1024) {
      const w = await flow.write(data.subarray(off, off + 64 * 1024));
      expect(w.ok).toBe(true);
    }
    const closing = flow.close();
    const echoed = await reading;
    await closing;
    expect(echoed.length).toBe(data.length);
    expect(echoed.equals(data)).toBe(true);
  });

  it('close() half-closes while socat still sends; it resolves once socat closes', async () => {
    const flow = await socat('EXEC:cat');
    const data = randomBytes(1024 * 1024);
    // Unawaited: socat's echo fills the buffers until we read.
    const writing = flow.write(data);
    const closing = flow.close();
    let closed = false;
    void closing.then(() => {
      closed = true;
    });
    const echoed = await readAll(flow, data.length);
    expect((await writing).ok).toBe(true);
    expect(echoed.equals(data)).toBe(true);
    await closing;
    expect(closed).toBe(true);
    expect(await flow.read()).toEqual({ ok: true, value: EOF });
  });

  it("socat's EOF reaches us as EOF while we can still write", async () => {
    const input = join(dir, 'to-send');
    const out = join(dir, 'received');
    writeFileSync(input, 'hello');
    // `a!!b`: socat reads from a and writes to b, so it reaches EOF on the
    // file and half-closes towards us while still taking our data.
    const flow = await socat(`OPEN:${input},rdonly!!CREATE:${out}`);
    const got = await readAll(flow, 100);
    expect(got.toString()).toBe('hello');
    expect(await flow.read()).toEqual({ ok: true, value: EOF });
    const w = await flow.write(new TextEncoder().encode('still writing'));
    expect(w.ok).toBe(true);
    await flow.close();
    // close() resolved: socat saw our EOF and closed, so the file is complete.
    const deadline = Date.now() + 5_000;
    let text = '';
    for (let i = 0; i < 200 && Date.now() < deadline && text !== 'still writing'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      try {
        text = readFileSync(out, 'utf8');
      } catch {
        text = '';
      }
    }
    expect(text).toBe('still writing');
  });
});
