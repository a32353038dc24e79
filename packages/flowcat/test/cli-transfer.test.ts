import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { type AddressInfo, connect, createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { feed, flowcat, killAll, listeningPort, start, tempDir } from './support/run.js';

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir();
});
afterEach(killAll);
afterAll(() => tmp.remove());

describe('flowcat against socat and itself', () => {
  it('receives a file from socat byte-exact (tcp-listen → stdout)', async () => {
    const data = randomBytes(1 << 20);
    const file = join(tmp.dir, 'in.bin');
    writeFileSync(file, data);
    const receiver = flowcat('-v', 'tcp-listen:0');
    const port = await listeningPort(receiver);
    feed(receiver, ''); // nothing to send back: our direction ends at once
    const sender = start('socat', ['-u', `OPEN:${file}`, `TCP:127.0.0.1:${port}`]);
    expect(await sender.exited).toBe(0);
    expect(await receiver.exited).toBe(0);
    expect(receiver.stdout().equals(data)).toBe(true);
  });

  it('sends a file to itself byte-exact (stdin → tcp → stdout)', async () => {
    const data = randomBytes(1 << 20);
    const receiver = flowcat('-v', 'tcp-listen:0');
    const port = await listeningPort(receiver);
    feed(receiver, '');
    const sender = flowcat(`tcp:127.0.0.1:${port}`);
    feed(sender, data);
    expect(await sender.exited).toBe(0);
    expect(await receiver.exited).toBe(0);
    expect(receiver.stdout().equals(data)).toBe(true);
  });

  it('relays tcp ⇄ unix, passing the half-close on both ways (socat at both ends)', async () => {
    const sock = join(tmp.dir, 'upper.sock');
    // A unix server that answers only after it has read EOF (tr flushes at EOF on a pipe).
    const server = start('socat', [`UNIX-LISTEN:${sock}`, 'SYSTEM:tr a-z A-Z']);
    const relay = flowcat('-v', 'tcp-listen:0', `unix:${sock}`);
    const port = await listeningPort(relay);
    const client = start('socat', ['-t', '20', '-', `TCP:127.0.0.1:${port}`]);
    feed(client, 'hello through a relay\n');
    expect(await client.exited).toBe(0);
    expect(client.stdout().toString()).toBe('HELLO THROUGH A RELAY\n');
    expect(await relay.exited).toBe(0);
    expect(await server.exited).toBe(0);
    // Every line names the port actually bound, never the "0" that was asked for.
    const bound = `tcp-listen:127.0.0.1:${port}`;
    expect(relay.stderr()).toContain(`flowcat: listening on ${bound}\n`);
    expect(relay.stderr()).toContain(`flowcat: accepted a connection on ${bound}\n`);
    expect(relay.stderr()).toMatch(
      new RegExp(`done: ${bound} → unix:\\S+ 22 bytes, unix:\\S+ → ${bound} 22 bytes`),
    );
    expect(relay.stderr()).not.toContain('tcp-listen:0');
  });

  it('--progress=always reports bytes and rate on stderr', async () => {
    const receiver = flowcat('-v', '--progress=always', 'tcp-listen:0');
    const port = await listeningPort(receiver);
    feed(receiver, '');
    const sender = flowcat(`tcp:127.0.0.1:${port}`);
    feed(sender, randomBytes(3000));
    expect(await sender.exited).toBe(0);
    expect(await receiver.exited).toBe(0);
    expect(receiver.stderr()).toMatch(/→ 2\.9 KiB {2}← 0 B {2}\S+ \S+\/s/);
  });

  it('exits 4 with one line naming the address when the peer resets mid-relay', async () => {
    const relay = flowcat('-v', 'tcp-listen:0');
    const port = await listeningPort(relay);
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    await relay.waitForStderr(/accepted a connection/);
    socket.resetAndDestroy();
    expect(await relay.exited).toBe(4);
    const errors = relay
      .stderr()
      .split('\n')
      .filter((l) => /failed/.test(l));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^flowcat: tcp-listen:127\\.0\\.0\\.1:${port}: read failed: reset`));
  });

  it('--timeout ends an idle relay with exit 5', async () => {
    const relay = flowcat('-v', '--timeout', '0.3', 'tcp-listen:0');
    const port = await listeningPort(relay);
    const client = start('socat', ['-', `TCP:127.0.0.1:${port}`]); // connects, never sends
    expect(await relay.exited).toBe(5);
    expect(relay.stderr()).toMatch(/idle timeout: no data moved for 0\.3 s/);
    client.child.kill();
    await client.exited;
  });

  it('stdout closed by its reader (| head -c 10) is a write failure to stdout, exit 4', async () => {
    // A server that sends until the connection goes (bounded: at most 64 MiB).
    const server = createServer((socket) => {
      const chunk = Buffer.alloc(64 * 1024);
      let sent = 0;
      const pump = (): void => {
        while (sent < 1024 && !socket.destroyed) {
          sent += 1;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
        socket.end();
      };
      socket.on('error', () => {});
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const reader = flowcat(`tcp:127.0.0.1:${port}`);
      // Like `head -c 10`: take the first bytes, then close our end of the pipe.
      reader.child.stdout!.once('data', () => reader.child.stdout!.destroy());
      expect(await reader.exited).toBe(4);
      const lines = reader.stderr().trim().split('\n');
      expect(lines).toEqual(['flowcat: stdio: write failed: stdout was closed by its reader (EPIPE)']);
      reader.child.stdin!.destroy();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
