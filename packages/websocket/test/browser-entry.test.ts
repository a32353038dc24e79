import { flowConformance } from '@flowkit/conformance';
import type { Flow } from '@flowkit/flow-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as WsWebSocket } from 'ws';
import { connect as browserConnect } from '../src/browser.js';
import { listen, type WebSocketListener } from '../src/index.js';

// The runtime-neutral entry dials with `globalThis.WebSocket`. Node 20 has
// none, so this file lends it `ws`'s WebSocket, which implements the same
// browser API (addEventListener, binaryType, bufferedAmount, close codes):
// the browser entry's own code (bufferedAmount polling, Close 4000 for
// abort) then runs against a flowkit listener, under the whole suite.
const globals = globalThis as { WebSocket?: unknown };
const original = globals.WebSocket;
beforeAll(() => {
  globals.WebSocket = WsWebSocket;
});
afterAll(() => {
  globals.WebSocket = original;
});

const open: WebSocketListener[] = [];
async function cleanup(): Promise<void> {
  await Promise.all(open.splice(0).map((l) => l.close()));
}

let making: Promise<unknown> = Promise.resolve();
async function makeOne(): Promise<readonly [Flow, Flow]> {
  if (open.length === 0) {
    const bound = await listen({ host: '127.0.0.1', port: 0 });
    if (!bound.ok) throw new Error(bound.error.message);
    open.push(bound.value);
  }
  const listener = open[0]!;
  const accepted = listener.accept();
  const dialed = await browserConnect({ url: listener.address.url });
  if (!dialed.ok) throw new Error(dialed.error.message);
  const acc = await accepted;
  if (!acc.ok) throw new Error(acc.error.message);
  return [dialed.value, acc.value];
}

flowConformance({
  name: 'websocket browser entry (platform WebSocket API) → Node listener',
  makePair: () => {
    const next = making.then(makeOne, makeOne);
    making = next.catch(() => {});
    return next;
  },
  cleanup,
  // A platform WebSocket cannot pause reading: a writer whose browser-side
  // reader stalls is never slowed, so the backpressure cases do not apply.
  capabilities: { halfClose: true, abortSendsReset: true, backpressure: false },
});

describe('browser entry options', () => {
  it.each(['ca', 'servername', 'dangerouslyDisableVerification', 'rejectUnauthorized'])(
    '%s is refused: the runtime verifies wss: itself',
    async (option) => {
      const r = await browserConnect({ url: 'wss://127.0.0.1:1/', [option]: true } as never);
      expect(r.ok ? 'connected' : [r.error.type, (r.error as { option?: string }).option]).toEqual([
        'invalid-option',
        option,
      ]);
    },
  );

  it('a failed dial is io (the platform does not say why), naming the URL', async () => {
    const bound = await listen({ host: '127.0.0.1', port: 0 });
    if (!bound.ok) throw new Error(bound.error.message);
    const url = bound.value.address.url;
    await bound.value.close();
    const r = await browserConnect({ url });
    expect(r.ok ? 'connected' : r.error.type).toBe('io');
    expect(r.ok ? '' : r.error.message).toContain(url);
  });
});
