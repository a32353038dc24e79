import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flowConformance, listenerConformance } from '@flowkit/conformance';
import type { Flow, Listener } from '@flowkit/flow-types';
import { afterAll } from 'vitest';
import { acceptedPair } from '../../../tooling/testing/accepted-pair.js';
import { connect, listen, type UnixAddress, type UnixListener } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'flowkit-unix-conf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(dir, `c${n++}.sock`);
const listeners: UnixListener[] = [];

async function closeListeners(): Promise<void> {
  await Promise.all(listeners.splice(0).map((l) => l.close()));
}

async function makePair(): Promise<readonly [Flow, Flow]> {
  const path = fresh();
  const bound = await listen({ path });
  if (!bound.ok) throw new Error(bound.error.message);
  listeners.push(bound.value);
  return acceptedPair(bound.value, () => connect({ path }));
}

flowConformance({
  name: 'unix',
  makePair,
  cleanup: closeListeners,
  // Unix sockets have no RST: an aborted end just closes, and the remote
  // reads a clean EOF unless it had unread data queued.
  capabilities: { halfClose: true, abortSendsReset: false, backpressure: true },
  leakCheck: true,
});

const addressOf = (l: Listener<Flow>): UnixAddress => (l as UnixListener).address;

listenerConformance({
  name: 'unix',
  listen: () => listen({ path: fresh() }),
  connect: (l: Listener<Flow>) => connect(addressOf(l) as { path: string }),
  connectToNothing: () => connect({ path: fresh() }),
  listenAgain: (l: Listener<Flow>) => listen(addressOf(l) as { path: string }),
  cleanup: closeListeners,
  // A unix socket has no RST: a queued connection that close() aborted reads EOF.
  capabilities: { abortSendsReset: false },
  leakCheck: true,
});
