import type { Flow, Listener } from '@flowkit/flow-types';
import { check, describeValue } from '../support/assert.js';
import { guard } from '../support/ops.js';
import { withTimeout } from '../support/timing.js';
import type { ListenerTopic } from '../support/types.js';

/** Dialing and binding errors are typed values with a message. */
export const listenerErrorsTopic: ListenerTopic = {
  id: 'errors',
  title: 'connect and listen errors',
  cases: [
    {
      id: 'connect-to-nothing',
      name: 'connecting to an address nobody listens on resolves a typed error with a message',
      requires: 'connectToNothing',
      run: (ctx) =>
        ctx.withScope(async (scope) => {
          const dial = ctx.options.connectToNothing!;
          const r = await withTimeout(
            guard('connect to nothing', dial),
            ctx.opTimeoutMs,
            'connect to nothing',
          );
          if (r.ok) {
            scope.track(r.value);
            check(false, 'connecting to an address nobody listens on succeeded');
          } else {
            check(
              typeof r.error.type === 'string' && r.error.type.length > 0,
              `error has no type: ${describeValue(r.error)}`,
            );
            check(
              typeof r.error.message === 'string' && r.error.message.trim().length > 0,
              `error has an empty message: ${describeValue(r.error)}`,
            );
          }
        }),
    },
    {
      id: 'connect-after-close',
      name: 'connecting to a listener after it closed resolves an error, not a flow',
      run: (ctx) =>
        ctx.withScope(async (scope) => {
          const l = await scope.listen();
          await withTimeout(
            guard('close()', () => l.close()),
            ctx.opTimeoutMs,
            'listener close()',
          );
          const r = await withTimeout(
            guard('connect()', () => ctx.options.connect(l)),
            ctx.opTimeoutMs,
            'connect() to a closed listener',
          );
          if (r.ok) scope.track(r.value);
          check(!r.ok, 'connect() to a closed listener returned a flow');
          if (!r.ok) check(r.error.message.trim().length > 0, 'the connect error has an empty message');
        }),
    },
    {
      id: 'listen-in-use',
      name: 'listening again on a live address resolves { type: "in-use" }',
      requires: 'listenAgain',
      run: (ctx) =>
        ctx.withScope(async (scope) => {
          const l = await scope.listen();
          const again = ctx.options.listenAgain!;
          const r = await withTimeout(
            guard('listen again', () => again(l)),
            ctx.opTimeoutMs,
            'listen again',
          );
          if (r.ok) scope.track(r.value);
          check(!r.ok, 'listening twice on the same live address succeeded');
          if (!r.ok) {
            check(
              r.error.type === 'in-use',
              `listening twice failed with ${describeValue(r.error)}, expected type 'in-use'`,
            );
            check(r.error.message.trim().length > 0, 'the in-use error has an empty message');
          }
        }),
    },
    {
      id: 'listen-after-close',
      name: 'after close(), the same address can be listened on again',
      requires: 'listenAgain',
      run: (ctx) =>
        ctx.withScope(async (scope) => {
          const l: Listener<Flow> = await scope.listen();
          await withTimeout(
            guard('close()', () => l.close()),
            ctx.opTimeoutMs,
            'listener close()',
          );
          const again = ctx.options.listenAgain!;
          const r = await withTimeout(
            guard('listen again', () => again(l)),
            ctx.opTimeoutMs,
            'listen again after close()',
          );
          if (!r.ok) check(false, `listening again after close() failed: ${describeValue(r.error)}`);
          else {
            scope.track(r.value);
            const dialer = await scope.connect(r.value);
            await scope.accept(r.value);
            void dialer;
          }
        }),
    },
  ],
};
