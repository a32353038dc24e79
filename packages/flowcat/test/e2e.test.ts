import { existsSync } from 'node:fs';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildFlowcat } from './support/built.js';
import { killAll, type Running, start, tempDir } from './support/run.js';

/**
 * flowcat as a user runs it (issue 13 §4): the BUILT executable (tsup, as the
 * package builds it), on a real terminal (`script` gives it a pty), under
 * SIGINT, and serving clients one after another with --keep-listening.
 */

let bin: string;
let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  bin = buildFlowcat();
  tmp = tempDir();
});
afterEach(killAll);
afterAll(() => tmp.remove());

/** Runs the built flowcat with piped stdio. */
function built(...args: string[]): Running {
  return start(process.execPath, [bin, ...args]);
}

/** A loopback server that sends `bytes` to its one client, then ends; it stops by itself. */
async function sender(bytes: number): Promise<{ port: number; server: Server }> {
  const server = createServer((socket) => {
    socket.on('error', () => {});
    socket.resume();
    socket.end(Buffer.alloc(bytes, 0x61));
    socket.on('close', () => server.close());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, server };
}

function closeServer(server: Server): Promise<void> {
  // Already closed by itself after its client is fine: close() then reports it, ignored.
  return new Promise((resolve) => server.close(() => resolve()));
}

async function dial(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  return socket;
}

/** Sends `text`, half-closes, and resolves with everything the peer sent back. */
async function exchange(port: number, text: string): Promise<string> {
  const socket = await dial(port);
  let got = '';
  socket.on('data', (b: Buffer) => {
    got += b.toString('utf8');
  });
  socket.end(text);
  await new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return got;
}

describe('the built flowcat', () => {
  it('--progress on a real terminal redraws one line with \\r; with stderr piped it draws nothing', async () => {
    const { port, server } = await sender(3000);
    const again = await sender(3000);
    try {
      // script(1) runs flowcat on a pty: stdin, stdout and stderr are a terminal.
      const tty = start('script', [
        '-qfec',
        `${process.execPath} ${bin} --progress tcp:127.0.0.1:${port}`,
        '/dev/null',
      ]);
      // The 3,000 bytes arrive; then Ctrl-D on the terminal ends stdin.
      await waitForStdout(tty, /a{3000}/);
      tty.child.stdin!.write('\x04');
      expect(await tty.exited).toBe(0);
      const screen = tty.stdout().toString('utf8');
      // The progress line is drawn in place (\r) and finished with a newline.
      expect(screen).toMatch(/\r→ 2\.9 KiB {2}← 0 B {2}\S+ \S+\/s {2}\d+\.\d s\r?\n/);
      expect(screen).not.toMatch(/flowcat: →/);

      // The same bare --progress (auto) with stderr on a pipe: not a terminal, no line.
      const piped = built('--progress', `tcp:127.0.0.1:${again.port}`);
      piped.child.stdin!.end();
      expect(await piped.exited).toBe(0);
      expect(piped.stdout().byteLength).toBe(3000);
      expect(piped.stderr()).toBe('');
    } finally {
      await killAll();
      await Promise.all([closeServer(server), closeServer(again.server)]);
    }
  });

  it('SIGINT while waiting for a client: exit 130, one line, the unix socket file removed', async () => {
    const path = join(tmp.dir, 'wait.sock');
    const r = built('-v', `unix-listen:${path}`);
    await r.waitForStderr(/listening on/);
    expect(existsSync(path)).toBe(true);
    r.child.kill('SIGINT');
    expect(await r.exited).toBe(130);
    expect(r.stderr()).toMatch(/interrupted\n$/);
    expect(existsSync(path)).toBe(false);
  });

  it('SIGINT mid-relay: exit 130, the peer is cut off, the listener closed (its socket file removed)', async () => {
    const path = join(tmp.dir, 'relay.sock');
    const r = built('-v', `unix-listen:${path}`);
    await r.waitForStderr(/listening on/);
    const peer = connect(path);
    peer.on('error', () => {});
    await new Promise<void>((resolve) => peer.once('connect', resolve));
    await r.waitForStderr(/accepted a connection/);
    const peerClosed = new Promise<void>((resolve) => peer.once('close', () => resolve()));
    r.child.kill('SIGINT');
    expect(await r.exited).toBe(130);
    expect(r.stderr()).toMatch(/unix-listen:\S+ ⇄ stdio: interrupted\n/);
    await peerClosed;
    // The accept was done, so only flowcat's own cleanup closes the listener.
    expect(existsSync(path)).toBe(false);
  });

  it('--keep-listening serves two clients in turn, each relayed to a fresh upstream connection', async () => {
    // Upstream: a server that answers each connection with its bytes upper-cased, at EOF.
    const upstream = createServer((socket) => {
      socket.on('error', () => {});
      let text = '';
      socket.on('data', (b: Buffer) => {
        text += b.toString('utf8');
      });
      socket.on('end', () => socket.end(text.toUpperCase()));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const upstreamPort = (upstream.address() as AddressInfo).port;
    try {
      const r = built('-v', '--keep-listening', 'tcp-listen:0', `tcp:127.0.0.1:${upstreamPort}`);
      const port = Number((await r.waitForStderr(/listening on tcp-listen:127\.0\.0\.1:(\d+)\n/))[1]);
      expect(await exchange(port, 'first client')).toBe('FIRST CLIENT');
      await r.waitForStderr(/connection 1 done; waiting for the next/);
      expect(await exchange(port, 'second client')).toBe('SECOND CLIENT');
      await r.waitForStderr(/connection 2 done; waiting for the next/);
      expect(r.child.exitCode).toBe(null); // still listening
      r.child.kill('SIGINT');
      expect(await r.exited).toBe(130);
      expect(r.stderr().match(/accepted a connection/g)).toHaveLength(2);
    } finally {
      await closeServer(upstream);
    }
  });
});

/** Resolves with stdout (as text) once it matches `re`; bounded by `ms`. */
function waitForStdout(r: Running, re: RegExp, ms = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + ms;
    const poll = (): void => {
      const text = r.stdout().toString('utf8');
      if (re.test(text)) resolve(text);
      else if (Date.now() > deadline)
        reject(new Error(`stdout never matched ${re}: ${JSON.stringify(text)}`));
      else setTimeout(poll, 20);
    };
    poll();
  });
}
