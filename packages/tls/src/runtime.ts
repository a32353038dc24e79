import type { RuntimeName, UnsupportedRuntimeError } from '@flowkit/flow-types';
import { runtimeName } from '@flowkit/kernel';
import { internalsProblem } from './node-internals.js';

/**
 * Runtimes whose `node:tls` passes the internals probe but was measured
 * breaking tls's promises (the README's Runtimes section). Neither can be
 * probed without I/O, so these are refused by name.
 */
const MEASURED: Partial<Record<RuntimeName, string>> = {
  // Deno 2.9: 19 conformance cases failed, over tcp and over memory alike.
  deno: "Deno's node:tls accepts writes without backpressure (64 MiB taken while nobody read) and resets the connection after a close_notify, so writes would grow memory without bound and reads after closeWrite() would fail",
  // Bun 1.4 (issue 15, measured before the internals probe refused it): 9
  // cases failed, among them EOF read where the peer's data belonged.
  bun: "Bun's node:tls reads EOF after close() where the peer's data belongs, resolves close() early, has no backpressure, and reads an abort as EOF",
};

/**
 * Whether tls refuses `runtime`, given what its `node:tls` lacks (`problem`,
 * from the internals probe): the missing capability first, then the
 * measured failures above. `undefined` when tls runs there.
 */
export function refusalFor(
  runtime: RuntimeName,
  problem: { readonly what: string; readonly cause?: unknown } | undefined,
): UnsupportedRuntimeError | undefined {
  if (problem !== undefined) {
    return {
      type: 'unsupported-runtime',
      runtime,
      message: `@flowkit/tls does not run on ${runtime}: its node:tls lacks what truncation detection, client-certificate checks and post-handshake errors rely on (${problem.what})`,
      ...(problem.cause === undefined ? {} : { cause: problem.cause }),
    };
  }
  const measured = MEASURED[runtime];
  if (measured === undefined) return undefined;
  return {
    type: 'unsupported-runtime',
    runtime,
    message: `@flowkit/tls does not run on ${runtime}: ${measured}`,
  };
}

let memo: { readonly refusal: UnsupportedRuntimeError | undefined } | undefined;

/**
 * This runtime's refusal, probed on the first call (not at import, so
 * importing @flowkit/tls never throws), then the same object every time.
 * Every entry point returns it before reading its options.
 */
export function runtimeRefusal(): UnsupportedRuntimeError | undefined {
  memo ??= { refusal: refusalFor(runtimeName(), internalsProblem()) };
  return memo.refusal;
}
