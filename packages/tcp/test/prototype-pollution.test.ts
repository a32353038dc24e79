import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { polluted, value, within } from '../../../tooling/testing/polluted.js';
import { connect, listen, type TcpListener } from '../src/index.js';

// SPEC: options are read as own properties only; a polluted Object.prototype
// changes nothing. Each case pollutes Object.prototype around the call to
// flowkit (connect and listen hand their options to node:net synchronously)
// and deletes what it added in `finally`. The pollution ends before any
// connection is accepted: Node builds an accepted socket's options itself,
// out of flowkit's reach.

const dir = mkdtempSync(join(tmpdir(), 'flowkit-tcp-pollution-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The next accepted flow, or `undefined` after `ms`. */
async function acceptWithin(listener: TcpListener, ms: number) {
  const r = await within(listener.accept(), ms);
  return r?.ok ? r.value : undefined;
}

async function loopback(): Promise<TcpListener> {
  const r = await listen({ host: '127.0.0.1', port: 0 });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** A unix socket server that only counts the connections it gets. */
function decoy(path: string): Promise<{ server: Server; connections: () => number }> {
  let count = 0;
  const server = createServer((socket) => {
    count++;
    socket.destroy();
  });
  return new Promise((resolve) => {
    server.listen(path, () => resolve({ server, connections: () => count }));
  });
}

describe('tcp.connect ignores options on Object.prototype', () => {
  it('an inherited `path` (a unix socket) does not divert the dial from 127.0.0.1', async () => {
    const listener = await loopback();
    const trap = await decoy(join(dir, 'decoy.sock'));
    try {
      const r = await polluted({ path: value(join(dir, 'decoy.sock')) }, () =>
        connect({ host: '127.0.0.1', port: listener.address.port, timeout: 5_000 }),
      );
      const accepted = await acceptWithin(listener, 2_000);
      accepted?.abort();
      if (r.ok) r.value.abort();
      expect(trap.connections()).toBe(0);
      expect(accepted).toBeDefined();
      expect(r.ok).toBe(true);
    } finally {
      trap.server.close();
      await listener.close();
    }
  });

  it('an inherited `fd` (an open file) is not wrapped as the socket', async () => {
    const listener = await loopback();
    const fd = openSync(join(dir, 'not-a-socket'), 'w');
    try {
      // Without the fix node:net threw "Unsupported fd type: FILE" from
      // connect: a rejection, which the contract never allows.
      const r = await polluted({ fd: value(fd) }, () =>
        connect({ host: '127.0.0.1', port: listener.address.port, timeout: 5_000 }),
      );
      expect(r.ok).toBe(true);
      if (r.ok) r.value.abort();
    } finally {
      closeSync(fd);
      await listener.close();
    }
  });

  it('an inherited `localPort` is not bound', async () => {
    const listener = await loopback();
    // A port nothing holds now: with it inherited, the dial would bind it.
    const spare = await loopback();
    const localPort = spare.address.port;
    await spare.close();
    try {
      const r = await polluted({ localPort: value(localPort) }, () =>
        connect({ host: '127.0.0.1', port: listener.address.port, timeout: 5_000 }),
      );
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.value.localAddress.port).not.toBe(localPort);
      r.value.abort();
    } finally {
      await listener.close();
    }
  });

  it('an inherited `lookup` is never called, nor `signal` honoured, when dialing a host name', async () => {
    const listener = await loopback();
    let lookups = 0;
    const lookup = (...args: unknown[]): void => {
      lookups++;
      const callback = args[args.length - 1] as (error: Error) => void;
      callback(new Error('the polluted lookup answered'));
    };
    try {
      const r = await polluted({ lookup: value(lookup), signal: value(AbortSignal.abort()) }, () =>
        connect({ host: 'localhost', family: 4, port: listener.address.port, timeout: 5_000 }),
      );
      expect(lookups).toBe(0);
      expect(r.ok).toBe(true);
      if (r.ok) r.value.abort();
    } finally {
      await listener.close();
    }
  });
});

describe('tcp.listen ignores options on Object.prototype', () => {
  it('an inherited aborted `signal` does not close the listener, nor is `exclusive` read', async () => {
    let exclusiveReads = 0;
    const exclusive: PropertyDescriptor = {
      get() {
        exclusiveReads++;
        return true;
      },
    };
    // Bounded: with the signal inherited, Node closed the server before it
    // was bound, and listen never settled.
    const listener = await within(
      polluted({ signal: value(AbortSignal.abort()), exclusive }, () =>
        listen({ host: '127.0.0.1', port: 0 }),
      ),
      5_000,
    );
    expect(listener?.ok).toBe(true);
    if (!listener?.ok) return;
    try {
      expect(exclusiveReads).toBe(0);
      // Node closes a server whose listen signal is aborted on the next tick.
      await new Promise((resolve) => setTimeout(resolve, 20));
      const dialed = await connect({ host: '127.0.0.1', port: listener.value.address.port, timeout: 5_000 });
      expect(dialed.ok).toBe(true);
      const accepted = await acceptWithin(listener.value, 2_000);
      if (dialed.ok) dialed.value.abort();
      accepted?.abort();
      expect(accepted).toBeDefined();
    } finally {
      await listener.value.close();
    }
  });
});
