import type { Flow } from '@flowkit/flow-types';
import { EOF } from '@flowkit/flow-types';
import { checkBytes, concat, describeValue, fail } from '../support/assert.js';
import { close, expectOk, read, receiveExactly, startWrite, task, write } from '../support/ops.js';
import { pattern } from '../support/pattern.js';
import { remaining, withTimeout } from '../support/timing.js';
import { echoChecked } from '../support/transfer.js';
import type { ListenerCaseContext, ListenerTopic } from '../support/types.js';

/** Message `m` of connection `c`: 8–135 bytes, distinct per connection. */
function message(c: number, m: number): Uint8Array {
  return pattern(8 + ((c * 13 + m * 7) % 128), 50_000 + c * 1000 + m);
}

/**
 * The dialer announces its index (2 bytes), then sends `count` messages; the
 * acceptor learns the index, checks each message against it (crossed or
 * dropped connections are caught) and echoes it; the dialer checks the echoes.
 */
async function serveOne(acceptor: Flow, count: number, deadline: number): Promise<void> {
  // The 2-byte index may arrive merged with the first messages.
  const head: Uint8Array[] = [];
  let have = 0;
  while (have < 2) {
    const r = await read(acceptor, 'acceptor reads the dialer index', remaining(deadline));
    if (!r.ok || r.value === EOF) fail(`acceptor: no dialer index (${describeValue(r)})`);
    head.push(r.value);
    have += r.value.length;
  }
  const first = concat(head);
  const c = (first[0]! << 8) | first[1]!;
  const all = concat(Array.from({ length: count }, (_, m) => message(c, m)));
  const early = first.subarray(2);
  checkBytes(early, all.subarray(0, early.length), `connection ${c}: first bytes at the acceptor`);
  if (early.length > 0)
    expectOk(
      await write(acceptor, early, `connection ${c}: echo`, remaining(deadline)),
      `connection ${c}: echo`,
    );
  await echoChecked(acceptor, all.subarray(early.length), `connection ${c}: acceptor`, deadline);
}

async function dialOne(
  ctx: ListenerCaseContext,
  d: Flow,
  c: number,
  count: number,
  deadline: number,
): Promise<void> {
  const msgs = Array.from({ length: count }, (_, m) => message(c, m));
  const sends = [startWrite(d, new Uint8Array([c >> 8, c & 0xff]), `connection ${c}: index`)];
  for (const [m, msg] of msgs.entries()) sends.push(startWrite(d, msg, `connection ${c}: message ${m}`));
  const all = concat(msgs);
  checkBytes(
    await receiveExactly(d, all.length, { what: `connection ${c}: echoes`, deadline }),
    all,
    `connection ${c}: echoes`,
  );
  for (const [i, s] of sends.entries())
    expectOk(
      await withTimeout(s, remaining(deadline), `connection ${c}: write ${i}`),
      `connection ${c}: write ${i}`,
    );
  await close(d, `connection ${c}: dialer close()`, ctx.opTimeoutMs);
}

async function manyConnections(
  ctx: ListenerCaseContext,
  connections: number,
  count: number,
  sequential: boolean,
) {
  await ctx.withScope(async (scope) => {
    const deadline = Date.now() + ctx.opTimeoutMs * 4;
    const l = await scope.listen();
    const serving = task(async () => {
      const served: Promise<void>[] = [];
      for (let i = 0; i < connections; i++) {
        const a = await scope.accept(l);
        served.push(
          task(async () => {
            await serveOne(a, count, deadline);
            await close(a, 'acceptor close()', ctx.opTimeoutMs);
          }),
        );
      }
      await Promise.all(served);
    });
    const dialing = task(async () => {
      if (sequential) {
        for (let c = 0; c < connections; c++) await dialOne(ctx, await scope.connect(l), c, count, deadline);
        return;
      }
      // Connected in waves of 10 (a TLS handshake is CPU-bound: 100 at once
      // can outlast one operation's deadline), then all exchange at once.
      const dialers: Flow[] = [];
      for (let c = 0; c < connections; c += 10)
        dialers.push(
          ...(await Promise.all(
            Array.from({ length: Math.min(10, connections - c) }, () => scope.connect(l)),
          )),
        );
      await Promise.all(dialers.map((d, c) => task(() => dialOne(ctx, d, c, count, deadline))));
    });
    // Whichever side fails first is reported, without waiting for the other.
    await Promise.all([serving, dialing]);
  });
}

/** Many connections through one listener. */
export const listenerStressTopic: ListenerTopic = {
  id: 'stress',
  title: 'listener stress',
  cases: [
    {
      id: 'concurrent-100x100',
      name: '100 concurrent connections × 100 messages, each echoed and checked per connection (dialled in waves of 10)',
      run: (ctx) => manyConnections(ctx, 100, 100, false),
    },
    {
      id: 'sequential-200',
      name: '200 connections one after another, each exchanging 3 messages and closing',
      run: (ctx) => manyConnections(ctx, 200, 3, true),
    },
    {
      id: 'dialer-closes-before-accept',
      name: 'a dialer that writes and closes before accept(): the accepted flow still reads its data',
      run: (ctx) =>
        ctx.withScope(async (scope) => {
          const l = await scope.listen();
          const d = await scope.connect(l);
          const data = pattern(1000, 995);
          expectOk(await write(d, data, 'dialer write', ctx.opTimeoutMs), 'dialer write');
          const closing = close(d, 'dialer close()', ctx.opTimeoutMs * 2);
          const a = await scope.accept(l);
          checkBytes(
            await receiveExactly(a, data.length, {
              what: 'accepted flow',
              deadline: Date.now() + ctx.opTimeoutMs,
            }),
            data,
            'data written before accept() by a dialer that closed',
          );
          await close(a, 'acceptor close()', ctx.opTimeoutMs);
          await closing;
        }),
    },
  ],
};
