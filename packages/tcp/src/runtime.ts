import type { RuntimeName, UnsupportedRuntimeError } from '@flowkit/flow-types';
import { runtimeName } from '@flowkit/kernel';

/**
 * Why `listen` refuses a runtime, measured (the README's Runtimes section).
 * Deno 2.9: an accepted TCP socket that reads the peer's end-of-stream while
 * one of its writes is in flight fails that write with EPIPE and closes
 * cleanly, so the peer reads EOF where the data belonged (seen with Deno and
 * Node peers alike; a paused socket, and Deno's dialed sockets, lose
 * nothing). It needs I/O to see, so Deno is refused by name.
 */
const LISTEN_REFUSED: Partial<Record<RuntimeName, string>> = {
  deno: "a TCP connection Deno's node:net accepted loses a write still in flight when the peer's end-of-stream arrives (EPIPE, then a clean close: the peer reads EOF where the data belonged); connect() works on deno",
};

/** Whether tcp's `listen` refuses `runtime`; `undefined` when it runs there. */
export function listenRefusalFor(runtime: RuntimeName): UnsupportedRuntimeError | undefined {
  const why = LISTEN_REFUSED[runtime];
  if (why === undefined) return undefined;
  return {
    type: 'unsupported-runtime',
    runtime,
    message: `@flowkit/tcp cannot listen on ${runtime}: ${why}`,
  };
}

let memo: { readonly refusal: UnsupportedRuntimeError | undefined } | undefined;

/** This runtime's refusal of `listen`, decided on the first call, then the same object every time. */
export function listenRefusal(): UnsupportedRuntimeError | undefined {
  memo ??= { refusal: listenRefusalFor(runtimeName()) };
  return memo.refusal;
}
