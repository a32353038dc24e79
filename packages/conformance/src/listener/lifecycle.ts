import type { Flow, Listener } from '@flowkit/flow-types';
import { check, checkBytes, describeValue, fail } from '../support/assert.js';
import { expectOk, guard, receiveExactly, write } from '../support/ops.js';
import { pattern } from '../support/pattern.js';
import { settlesWithin, withTimeout } from '../support/timing.js';
import type { ListenerCaseContext, ListenerTopic } from '../support/types.js';
import { hearIndices } from './indices.js';

/** One byte each way proves a dialed/accepted pair is connected to each other. */
async function exchange(
  ctx: ListenerCaseContext,
  dialer: Flow,
  acceptor: Flow,
  seed: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + ctx.opTimeoutMs;
  const out = pattern(3, seed);
  const back = pattern(2, seed + 10_000);
  expectOk(await write(dialer, out, `${what}: dialer write`, ctx.opTimeoutMs), `${what}: dialer write`);
  checkBytes(
    await receiveExactly(acceptor, 3, { what: `${what}: acceptor read`, deadline }),
    out,
    `${what}: dialer → acceptor`,
  );
  expectOk(
    await write(acceptor, back, `${what}: acceptor write`, ctx.opTimeoutMs),
    `${what}: acceptor write`,
  );
  checkBytes(
    await receiveExactly(dialer, 2, { what: `${what}: dialer read`, deadline }),
    back,
    `${what}: acceptor → dialer`,
  );
}

async function expectAcceptClosed(
  ctx: ListenerCaseContext,
  listener: Listener<Flow>,
  what: string,
): Promise<void> {
  const r = await withTimeout(
    guard(what, () => listener.accept()),
    ctx.opTimeoutMs,
    what,
  );
  if (r.ok) {
    r.value.abort();
    fail(`${what} returned a flow after close()`);
  }
  check(r.error.type === 'closed', `${what} failed with ${describeValue(r.error)}, expected type 'closed'`);
}

/** Listener lifecycle: address, accept many, iteration, close. */
export const lifecycleTopic: ListenerTopic = {
  id: 'lifecycle',
  title: 'listener lifecycle',
  cases: [
    {
      id: 'address-after-bind',
      name: 'address is present after listen() resolves',
      run: (ctx) =>
        ctx.withScope(async (scope) => {
          const l = await scope.listen();
          check(l.address !== undefined && l.address !== null, 'listener.address is missing after listen()');
          check(
            typeof l.address === 'object',
            `listener.address is ${describeValue(l.address)}, expected an object`,
          );
        }),
    },
    {
      id: 'fresh-addresses-distinct',
      name: 'two fresh listeners get distinct addresses (port 0 gives a real port)',
      run: (ctx) =>
        ctx.withScope(async (scope) => {
          const one = await scope.listen();
          const two = await scope.listen();
          const a = JSON.stringify(one.address);
          const b = JSON.stringify(two.address);
          check(a !== b, `two live listeners report the same address ${a}`);
          if (typeof (one.address as { port?: unknown }).port === 'number') {
            check((one.address as { port: number }).port > 0, `address has port 0 after binding: ${a}`);
          }
        }),
    },
    {
      id: 'connect-then-accept',
      name: 'a connection made before accept() is queued and returned by the next accept(); the flows talk',
      run: (ctx) =>
        ctx.withScope(async (scope) => {
          const l = await scope.listen();
          const dialer = await scope.connect(l);
          const acceptor = await scope.accept(l);
          await exchange(ctx, dialer, acceptor, 1, 'queued connection');
        }),
    },
    {
      id: 'accept-many',
      name: '20 concurrent connects are all accepted, and each flow pairs with its own peer',
      run: (ctx) =>
        ctx.withScope(async (scope) => {
          const l = await scope.listen();
          const accepts = Array.from({ length: 20 }, () => scope.accept(l));
          const dialers = await Promise.all(Array.from({ length: 20 }, () => scope.connect(l)));
          const acceptors = await Promise.all(accepts);
          // Each dialer announces its index; every acceptor must hear a distinct one.
          const heard = await hearIndices(ctx, dialers, acceptors, 'acceptor');
          check(new Set(heard).size === 20, `20 acceptors heard ${new Set(heard).size} distinct dialers`);
          await Promise.all(
            acceptors.map(async (f, i) =>
              expectOk(
                await write(f, new Uint8Array([heard[i]!]), `acceptor ${i} reply`, ctx.opTimeoutMs),
                `acceptor ${i} reply`,
              ),
            ),
          );
          for (const [i, d] of dialers.entries()) {
            const got = await receiveExactly(d, 1, {
              what: `dialer ${i} reply`,
              deadline: Date.now() + ctx.opTimeoutMs,
            });
            check(got[0] === i, `dialer ${i} got the reply meant for dialer ${got[0]}`);
          }
        }),
    },
    {
      id: 'for-await',
      name: 'for await yields accepted flows and ends after close()',
      run: (ctx) =>
        ctx.withScope(async (scope) => {
          const l = await scope.listen();
          const seen: Flow[] = [];
          const iterating = guard('for await over the listener', async () => {
            for await (const f of l) {
              scope.track(f);
              seen.push(f);
              if (seen.length === 3) void l.close();
            }
          });
          const dialers: Flow[] = [];
          for (let i = 0; i < 3; i++) dialers.push(await scope.connect(l));
          await withTimeout(iterating, ctx.opTimeoutMs, 'for await after close()');
          check(seen.length === 3, `for await yielded ${seen.length} flows, expected 3`);
          const heard = await hearIndices(ctx, dialers, seen, 'yielded flow');
          check(new Set(heard).size === 3, 'the yielded flows are not the three dialed ones');
        }),
    },
    {
      id: 'accept-after-close',
      name: 'after close(), a pending accept() and later accept() calls resolve { type: "closed" }',
      run: (ctx) =>
        ctx.withScope(async (scope) => {
          const l = await scope.listen();
          const pending = guard('pending accept()', () => l.accept());
          const early = await settlesWithin(pending, 50);
          check(
            !early.settled,
            `accept() resolved with nobody connecting: ${early.settled ? describeValue(early.value) : ''}`,
          );
          await withTimeout(
            guard('close()', () => l.close()),
            ctx.opTimeoutMs,
            'listener close()',
          );
          const r = await withTimeout(pending, ctx.opTimeoutMs, 'pending accept() after close()');
          if (r.ok) fail('pending accept() returned a flow after close()');
          check(
            r.error.type === 'closed',
            `pending accept() failed with ${describeValue(r.error)}, expected type 'closed'`,
          );
          await expectAcceptClosed(ctx, l, 'accept() after close()');
          await expectAcceptClosed(ctx, l, 'second accept() after close()');
        }),
    },
    {
      id: 'close-idempotent',
      name: 'listener close() is idempotent: concurrent and later calls all resolve',
      run: (ctx) =>
        ctx.withScope(async (scope) => {
          const l = await scope.listen();
          await withTimeout(
            Promise.all([guard('close() 1', () => l.close()), guard('close() 2', () => l.close())]),
            ctx.opTimeoutMs,
            'two close() calls',
          );
          await withTimeout(
            guard('close() 3', () => l.close()),
            ctx.opTimeoutMs,
            'close() after close()',
          );
        }),
    },
    {
      id: 'flows-survive-close',
      name: 'flows accepted before the listener closed keep working after it closed',
      run: (ctx) =>
        ctx.withScope(async (scope) => {
          const l = await scope.listen();
          const dialer = await scope.connect(l);
          const acceptor = await scope.accept(l);
          await withTimeout(
            guard('close()', () => l.close()),
            ctx.opTimeoutMs,
            'listener close()',
          );
          await exchange(ctx, dialer, acceptor, 2, 'after the listener closed');
        }),
    },
  ],
};
