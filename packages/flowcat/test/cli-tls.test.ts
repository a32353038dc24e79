import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeCerts, type TestCerts } from './support/certs.js';
import { feed, flowcat, killAll, listeningPort, start, tempDir } from './support/run.js';

let tmp: ReturnType<typeof tempDir>;
let certs: TestCerts;
beforeAll(() => {
  tmp = tempDir();
  certs = makeCerts(tmp.dir);
});
afterEach(killAll);
afterAll(() => tmp.remove());

describe('flowcat over TLS', () => {
  it('relays tls-listen ⇄ unix; a client that trusts the CA gets through, one that does not is refused', async () => {
    const sock = join(tmp.dir, 'upper.sock');
    const server = start('socat', [`UNIX-LISTEN:${sock}`, 'SYSTEM:tr a-z A-Z']);
    const relay = flowcat('-v', '--cert', certs.cert, '--key', certs.key, 'tls-listen:0', `unix:${sock}`);
    const port = await listeningPort(relay);

    // Verification is on by default: without --ca the test CA is unknown.
    const untrusting = flowcat(`tls:localhost:${port}`);
    feed(untrusting, 'x');
    expect(await untrusting.exited).toBe(3);
    const lines = untrusting.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^flowcat: tls:localhost:${port}: cannot connect: certificate`));

    // The failed handshake never reached accept: the relay still waits for its one client.
    const client = flowcat('--ca', certs.ca, `tls:localhost:${port}`);
    feed(client, 'secret over tls\n');
    expect(await client.exited, client.stderr()).toBe(0);
    expect(client.stdout().toString()).toBe('SECRET OVER TLS\n');
    expect(await relay.exited, relay.stderr()).toBe(0);
    expect(await server.exited).toBe(0);
  });

  it('checks the name: --servername must match the certificate', async () => {
    const relay = flowcat('-v', '--cert', certs.cert, '--key', certs.key, 'tls-listen:0');
    const port = await listeningPort(relay);
    const wrongName = flowcat(
      '--ca',
      certs.ca,
      '--servername',
      'not-this-host.example',
      `tls:127.0.0.1:${port}`,
    );
    feed(wrongName, 'x');
    expect(await wrongName.exited).toBe(3);
    // @flowkit/tls's own wording, each name in its place: the peer, the
    // certificate's names, then the one expected.
    expect(wrongName.stderr().trim()).toBe(
      `flowcat: tls:127.0.0.1:${port}: cannot connect: certificate: certificate of 127.0.0.1:${port} does not match the expected host name: it is for DNS:localhost, IP Address:127.0.0.1, not for not-this-host.example (ERR_TLS_CERT_ALTNAME_INVALID)`,
    );

    // By IP address, which the certificate also names.
    const client = flowcat('--ca', certs.ca, `tls:127.0.0.1:${port}`);
    feed(client, 'by ip');
    feed(relay, 'back');
    expect(await client.exited, client.stderr()).toBe(0);
    expect(await relay.exited, relay.stderr()).toBe(0);
    expect(relay.stdout().toString()).toBe('by ip');
    expect(client.stdout().toString()).toBe('back');
  });

  it('--insecure is the only way to skip verification, and it warns on stderr', async () => {
    const relay = flowcat('-v', '--cert', certs.cert, '--key', certs.key, 'tls-listen:0');
    const port = await listeningPort(relay);
    const client = flowcat('--insecure', `tls:localhost:${port}`);
    feed(client, 'unverified');
    feed(relay, '');
    expect(await client.exited, client.stderr()).toBe(0);
    expect(await relay.exited, relay.stderr()).toBe(0);
    expect(relay.stdout().toString()).toBe('unverified');
    expect(client.stderr()).toMatch(
      /^flowcat: warning: --insecure: the TLS server certificate is NOT verified/,
    );
  });

  it('a plaintext client on tls-listen is reported as not speaking TLS, and the listener waits on', async () => {
    const relay = flowcat('-v', '--cert', certs.cert, '--key', certs.key, 'tls-listen:0');
    const port = await listeningPort(relay);
    const plain = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => plain.once('connect', resolve));
    plain.end('hello, this is not TLS\r\n\r\n');
    const m = await relay.waitForStderr(/a client's TLS handshake failed: .*\n/);
    expect(m[0]).toMatch(/the peer did not speak TLS/);
    expect(relay.stderr()).not.toMatch(/no TLS version in common/);
    plain.destroy();
    // Not fatal: the relay is still waiting for a real client.
    expect(relay.child.exitCode).toBe(null);
  });
});
