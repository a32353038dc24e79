import type { RuntimeName, UnsupportedRuntimeError } from '@flowkit/flow-types';
import { runtimeName } from '@flowkit/kernel';

/**
 * Why the Node entry's `connect` refuses a runtime, measured (the README's
 * Runtimes section). Bun 1.4 answers `import { WebSocket } from 'ws'` with
 * its own client, which looks like ws's but has no `_socket` (the
 * `net.Socket` under it), and the flow needs that socket for backpressure
 * and for an abort that reads as a reset: the first connect threw inside
 * the 'open' event and never resolved. `listen` and `attach` (ws's server
 * side) work on Bun. It shows only once a connection opens, so Bun is
 * refused by name.
 */
const CONNECT_REFUSED: Partial<Record<RuntimeName, string>> = {
  bun: "Bun replaces the ws package's client WebSocket with its own, which has no underlying net.Socket (_socket) for backpressure and abort; listen() and attach() work on bun",
};

/** Whether `connect` (Node entry) refuses `runtime`; `undefined` when it runs there. */
export function connectRefusalFor(runtime: RuntimeName): UnsupportedRuntimeError | undefined {
  const why = CONNECT_REFUSED[runtime];
  if (why === undefined) return undefined;
  return {
    type: 'unsupported-runtime',
    runtime,
    message: `@flowkit/websocket cannot connect on ${runtime}: ${why}`,
  };
}

let memo: { readonly refusal: UnsupportedRuntimeError | undefined } | undefined;

/** This runtime's refusal of `connect`, decided on the first call, then the same object every time. */
export function connectRefusal(): UnsupportedRuntimeError | undefined {
  memo ??= { refusal: connectRefusalFor(runtimeName()) };
  return memo.refusal;
}
