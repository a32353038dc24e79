// The socat interop cases, shared by the tcp and unix test files: socat is a
// peer that is not ours. socat must be installed (CI installs it); these tests
// fail, they do not skip, when it is missing.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EOF, type Flow, formatError, type Result } from '@flowkit/flow-types';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

const SOCAT = '/usr/bin/socat';

/** How one transport meets socat. */
export interface SocatTransport {
  /** Suite title, e.g. `tcp`. */
  readonly name: string;
  /**
   * A fresh address socat can listen on (`TCP-LISTEN:…`, `UNIX-LISTEN:…`) and
   * the dial that reaches it. `dir` is a private temp dir for socket files.
   */
  listenAddress(dir: string): Promise<{
    readonly socat: string;
    readonly dial: () => Promise<Result<Flow, Parameters<typeof formatError>[0]>>;
  }>;
}

/** Registers the socat interop suite for one transport. */
export function socatInterop(transport: SocatTransport): void {
  const dir = mkdtempSync(join(tmpdir(), `flowkit-${transport.name}-socat-`));
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

  /** Starts socat listening with `peer` on the other side, then dials it, retrying while it starts. */
  async function socat(peer: string): Promise<Flow> {
    const { socat: address, dial } = await transport.listenAddress(dir);
    const child = spawn(SOCAT, ['-t', '10', address, peer], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    const deadline = Date.now() + 5_000;
    for (let i = 0; i < 200 && Date.now() < deadline; i++) {
      const r = await dial();
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
    throw new Error(`socat did not start listening on ${address} within 5 s`);
  }

  async function readAll(flow: Flow, limit: number): Promise<Buffer> {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const r = await flow.read();
      if (!r.ok) throw new Error(formatError(r.error));
      if (r.value === EOF) return Buffer.concat(parts);
      parts.push(r.value);
      total += r.value.length;
      if (total > limit) throw new Error('read more than was sent');
    }
  }

  describe(`${transport.name} against socat`, () => {
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
      let closed = false;
      const closing = flow.close().then(() => {
        closed = true;
      });
      // socat echoes and only closes after our EOF reached cat and cat's
      // output was all sent: close() must still be waiting while we read.
      const first = await flow.read();
      expect(first.ok && first.value !== EOF).toBe(true);
      expect(closed).toBe(false);
      const rest = await readAll(flow, data.length);
      const echoed = Buffer.concat([first.ok && first.value !== EOF ? first.value : new Uint8Array(), rest]);
      expect((await writing).ok).toBe(true);
      expect(echoed.equals(data)).toBe(true);
      await closing;
      expect(closed).toBe(true);
      expect(await flow.read()).toEqual({ ok: true, value: EOF });
    });

    it("socat's EOF reaches us as EOF while we can still write", async () => {
      const input = join(dir, `to-send-${Date.now()}`);
      const out = join(dir, `received-${Date.now()}`);
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
}
