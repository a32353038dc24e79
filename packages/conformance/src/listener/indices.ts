import type { Flow } from '@flowkit/flow-types';
import { expectOk, receiveExactly, write } from '../support/ops.js';
import type { ListenerCaseContext } from '../support/types.js';

/**
 * Each dialer writes its own index as one byte, and each accepted flow reads
 * one byte: returns what each accepted flow heard, in `accepted`'s order. A
 * listener that pairs every dialer with exactly one accepted flow makes these
 * distinct; a flow handed out twice, or a dialer's connection lost, does not.
 * `what` names the accepted flows in messages (`acceptor 3`).
 */
export async function hearIndices(
  ctx: ListenerCaseContext,
  dialers: readonly Flow[],
  accepted: readonly Flow[],
  what: string,
): Promise<number[]> {
  await Promise.all(
    dialers.map(async (d, i) =>
      expectOk(
        await write(d, new Uint8Array([i]), `dialer ${i} write`, ctx.opTimeoutMs),
        `dialer ${i} write`,
      ),
    ),
  );
  const deadline = Date.now() + ctx.opTimeoutMs;
  return Promise.all(
    accepted.map(async (f, i) => (await receiveExactly(f, 1, { what: `${what} ${i}`, deadline }))[0]!),
  );
}
