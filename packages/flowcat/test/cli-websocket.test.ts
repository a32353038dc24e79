import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeCerts, type TestCerts } from './support/certs.js';
import { feed, flowcat, killAll, type Running, tempDir } from './support/run.js';

let tmp: ReturnType<typeof tempDir>;
let certs: TestCerts;
beforeAll(() => {
  tmp = tempDir();
  certs = makeCerts(tmp.dir);
});
afterEach(killAll);
afterAll(() => tmp.remove());

/** The port a `-v` flowcat printed for its WebSocket listener. */
async function wsPort(r: Running): Promise<number> {
  const m = await r.waitForStderr(/listening on wss?-listen:127\.0\.0\.1:(\d+)\S* \(wss?:\/\/[^)]+\)\n/);
  return Number(m[1]);
}

describe('flowcat over WebSocket (ws:, wss:, ws-listen:, wss-listen:)', () => {
  it('sends a file to itself byte-exact over ws:, with the half-close passed on', async () => {
    const data = randomBytes(1 << 20);
    const receiver = flowcat('-v', 'ws-listen:0/flows');
    const port = await wsPort(receiver);
    feed(receiver, 'reply after EOF');
    const sender = flowcat(`ws://127.0.0.1:${port}/flows`);
    feed(sender, data);
    expect(await sender.exited, sender.stderr()).toBe(0);
    expect(await receiver.exited, receiver.stderr()).toBe(0);
    expect(receiver.stdout().equals(data)).toBe(true);
    expect(sender.stdout().toString()).toBe('reply after EOF');
    expect(receiver.stderr()).toMatch(
      new RegExp(`done: ws-listen:127\\.0\\.0\\.1:${port}/flows → stdio 1048576 bytes`),
    );
  });

  it('a path the listener does not serve is a connect failure, exit 3', async () => {
    const receiver = flowcat('-v', 'ws-listen:0/flows');
    const port = await wsPort(receiver);
    const wrong = flowcat(`ws://127.0.0.1:${port}/elsewhere`);
    feed(wrong, 'x');
    expect(await wrong.exited).toBe(3);
    expect(wrong.stderr()).toMatch(
      new RegExp(`^flowcat: ws://127\\.0\\.0\\.1:${port}/elsewhere: cannot connect: `),
    );
    receiver.child.kill('SIGINT');
    expect(await receiver.exited).toBe(130);
  });

  it('wss: is verified like tls:; with --ca the relay goes through', async () => {
    const relay = flowcat('-v', '--cert', certs.cert, '--key', certs.key, 'wss-listen:0');
    const port = await wsPort(relay);
    const untrusting = flowcat(`wss://localhost:${port}/`);
    feed(untrusting, 'x');
    expect(await untrusting.exited).toBe(3);
    expect(untrusting.stderr()).toMatch(/cannot connect: certificate/);

    const client = flowcat('--ca', certs.ca, `wss://localhost:${port}/`);
    feed(client, 'secret over wss');
    feed(relay, 'back');
    expect(await client.exited, client.stderr()).toBe(0);
    expect(await relay.exited, relay.stderr()).toBe(0);
    expect(relay.stdout().toString()).toBe('secret over wss');
    expect(client.stdout().toString()).toBe('back');
  });
});
