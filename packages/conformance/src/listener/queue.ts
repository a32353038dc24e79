import type { Flow } from '@flowkit/flow-types';
import { check, checkBytes, describeValue, fail } from '../support/assert.js';
import {
  expectEof,
  expectOk,
  guard,
  type ReadEnd,
  read,
  readUntilEnd,
  receiveExactly,
  write,
} from '../support/ops.js';
import { pattern } from '../support/pattern.js';
import { settlesWithin, sleep, withTimeout } from '../support/timing.js';
import type { ListenerCaseContext, ListenerTopic } from '../support/types.js';
import { hearIndices } from './indices.js';

/**
 * Dials 3 connections nobody accepts, closes the listener, and returns how
 * each dialer's stream ended (failing on any data, or on a dialer still
 * waiting at the deadline).
 */
function closeWithQueued(ctx: ListenerCaseContext): Promise<ReadEnd[]> {
  return ctx.withScope(async (scope) => {
    const l = await scope.listen();
    const dialers: Flow[] = [];
    for (let i = 0; i < 3; i++) dialers.push(await scope.connect(l));
    // Give the transport time to queue them before it closes.
    await sleep(50);
    await withTimeout(
      guard('close()', () => l.close()),
      ctx.opTimeoutMs,
      'listener close()',
    );
    return Promise.all(
      dialers.map((d, i) =>
        readUntilEnd(d, 0, {
          what: `dialer ${i} of a connection queued when the listener closed`,
          deadline: Date.now() + ctx.opTimeoutMs,
        }),
      ),
    );
  });
}

/** Connections that arrived before `accept()`: kept, in order, with their data, and aborted by `close()`. */
export const acceptQueueTopic: ListenerTopic = {
  id: 'accept-queue',
  title: 'accept queue',
  cases: [
    {
      id: 'close-aborts-queued',
      name: 'close() aborts connections still queued: their dialers read EOF or an error instead of waiting forever',
      run: async (ctx) => {
        await closeWithQueued(ctx);
      },
    },
    {
      id: 'close-resets-queued',
      name: 'close() aborts connections still queued, not closes them: their dialers read an error, never a clean EOF',
      requires: 'abortSendsReset',
      run: async (ctx) => {
        for (const [i, end] of (await closeWithQueued(ctx)).entries())
          check(
            end.end === 'error',
            `dialer ${i} of a connection queued when the listener closed read EOF: close() ended it gracefully instead of aborting it`,
          );
      },
    },
    {
      id: 'queued-in-order',
      name: 'connections queued before accept() are returned in the order they arrived',
      run: (ctx) =>
        ctx.withScope(async (scope) => {
          const l = await scope.listen();
          const dialers: Flow[] = [];
          for (let i = 0; i < 5; i++) {
            const d = await scope.connect(l);
            expectOk(
              await write(d, new Uint8Array([i]), `dialer ${i} write`, ctx.opTimeoutMs),
              `dialer ${i} write`,
            );
            dialers.push(d);
            // Each connection is established before the next is dialled.
            await sleep(10);
          }
          for (let i = 0; i < 5; i++) {
            const f = await scope.accept(l);
            const [got] = await receiveExactly(f, 1, {
              what: `accepted flow ${i}`,
              deadline: Date.now() + ctx.opTimeoutMs,
            });
            check(
              got === i,
              `accept() ${i} returned the connection dialled ${got}th (queued connections out of order)`,
            );
          }
        }),
    },
    {
      id: 'queued-keeps-data',
      name: 'a connection that wrote 64 KiB and half-closed before it was accepted: the accepted flow reads all of it, then EOF',
      run: (ctx) =>
        ctx.withScope(async (scope) => {
          const l = await scope.listen();
          const d = await scope.connect(l);
          const data = pattern(64 * 1024, 990);
          const writing = write(d, data, 'dialer write before accept()', ctx.opTimeoutMs);
          await sleep(20);
          const f = await scope.accept(l);
          checkBytes(
            await receiveExactly(f, data.length, {
              what: 'accepted flow',
              deadline: Date.now() + ctx.opTimeoutMs,
            }),
            data,
            'data sent before accept()',
          );
          expectOk(await writing, 'dialer write before accept()');
          const r = await withTimeout(
            guard('dialer closeWrite()', () => d.closeWrite()),
            ctx.opTimeoutMs,
            'dialer closeWrite()',
          );
          if (r.ok)
            expectEof(
              await read(f, 'accepted flow read', ctx.opTimeoutMs),
              'accepted flow read after the dialer’s closeWrite()',
            );
        }),
    },
    {
      id: 'pending-accepts-each-served',
      name: '5 accept() calls pending at once are each served with a distinct connection',
      run: (ctx) =>
        ctx.withScope(async (scope) => {
          const l = await scope.listen();
          const accepts = Array.from({ length: 5 }, () => scope.accept(l));
          const dialers: Flow[] = [];
          for (let i = 0; i < 5; i++) dialers.push(await scope.connect(l));
          const acceptors = await Promise.all(accepts);
          check(new Set(acceptors).size === 5, 'two pending accept() calls returned the same flow');
          const heard = await hearIndices(ctx, dialers, acceptors, 'acceptor');
          check(new Set(heard).size === 5, `5 acceptors heard ${describeValue(heard)}`);
        }),
    },
    {
      id: 'no-queued-flow-after-close',
      name: 'after close(), accept() resolves { type: "closed" } even though connections were queued',
      run: (ctx) =>
        ctx.withScope(async (scope) => {
          const l = await scope.listen();
          await scope.connect(l);
          await scope.connect(l);
          await sleep(50);
          await withTimeout(
            guard('close()', () => l.close()),
            ctx.opTimeoutMs,
            'listener close()',
          );
          const r = await withTimeout(
            guard('accept() after close()', () => l.accept()),
            ctx.opTimeoutMs,
            'accept() after close()',
          );
          if (r.ok) {
            scope.track(r.value);
            fail('accept() after close() returned a queued connection');
          }
          check(
            r.error.type === 'closed',
            `accept() after close() failed with ${describeValue(r.error)}, expected type 'closed'`,
          );
        }),
    },
    {
      id: 'for-await-after-close-ends',
      name: 'for await over a listener that is already closed ends at once',
      run: (ctx) =>
        ctx.withScope(async (scope) => {
          const l = await scope.listen();
          await withTimeout(
            guard('close()', () => l.close()),
            ctx.opTimeoutMs,
            'listener close()',
          );
          const ended = guard('for await over a closed listener', async () => {
            let n = 0;
            for await (const f of l) {
              scope.track(f);
              n++;
            }
            return n;
          });
          const s = await settlesWithin(ended, ctx.opTimeoutMs);
          if (!s.settled) fail('for await over a closed listener did not end');
          check(s.value === 0, `for await over a closed listener yielded ${s.value} flows`);
        }),
    },
  ],
};
