import { EOF } from '@flowkit/flow-types';
import { check, checkBytes, concat, describeValue, fail } from '../support/assert.js';
import {
  expectAborted,
  expectData,
  expectOk,
  read,
  readUntilEof,
  receiveExactly,
  startClose,
  write,
} from '../support/ops.js';
import { pattern } from '../support/pattern.js';
import { withTimeout } from '../support/timing.js';
import { closeBoth } from '../support/transfer.js';
import type { FlowTopic } from '../support/types.js';

/** Read cancellation by signal: `aborted`, nothing lost, the flow stays usable. */
export const cancelTopic: FlowTopic = {
  id: 'cancel',
  title: 'read cancellation',
  cases: [
    {
      id: 'cancelled-read-loses-nothing',
      name: 'a read cancelled by its signal resolves { type: "aborted" }; data written afterwards arrives intact',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const controller = new AbortController();
          const pending = read(b, 'read with signal', ctx.opTimeoutMs, { signal: controller.signal });
          controller.abort(new Error('conformance: cancel'));
          expectAborted(await pending, 'cancelled read');
          const data = pattern(1000, 61);
          expectOk(await write(a, data, 'write after the cancel', ctx.opTimeoutMs), 'write after the cancel');
          const got = await receiveExactly(b, data.length, {
            what: 'reads after the cancel',
            deadline: Date.now() + ctx.opTimeoutMs,
          });
          checkBytes(got, data, 'data after a cancelled read');
          await closeBoth(ctx, a, b, 'after cancel');
        }),
    },
    {
      id: 'pre-aborted-signal',
      name: 'a read with a signal that already fired resolves { type: "aborted" } at once; the next read gets the data',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const signal = AbortSignal.abort(new Error('conformance: already fired'));
          expectAborted(
            await read(b, 'read with a fired signal', ctx.opTimeoutMs, { signal }),
            'read with a fired signal',
          );
          const data = pattern(50, 62);
          expectOk(await write(a, data, 'write', ctx.opTimeoutMs), 'write');
          checkBytes(
            await receiveExactly(b, data.length, {
              what: 'read after',
              deadline: Date.now() + ctx.opTimeoutMs,
            }),
            data,
            'data after a pre-aborted read',
          );
        }),
    },
    {
      id: 'cancel-many-interleaved',
      name: '60 reads, two in three cancelled, interleaved with writes: every byte sent is received once, in order',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const sent: Uint8Array[] = [];
          const received: Uint8Array[] = [];
          const deadline = Date.now() + ctx.transferTimeoutMs;
          for (let i = 0; i < 60; i++) {
            const controller = new AbortController();
            const pending = read(b, `read ${i}`, ctx.opTimeoutMs, { signal: controller.signal });
            const cancel = i % 3 !== 0;
            if (cancel) controller.abort(new Error(`conformance: cancel ${i}`));
            const data = pattern(1 + ((i * 29) % 300), 200 + i);
            sent.push(data);
            expectOk(await write(a, data, `write ${i}`, ctx.opTimeoutMs), `write ${i}`);
            const r = await pending;
            if (r.ok) received.push(expectData(r, `read ${i}`));
            else
              check(cancel && r.error.type === 'aborted', `read ${i} failed with ${describeValue(r.error)}`);
          }
          const expected = concat(sent);
          const closing = startClose(a, 'dialer close()');
          const have = concat(received);
          const rest = await readUntilEof(b, expected.length - have.length, {
            what: 'reading the rest',
            deadline,
          });
          checkBytes(concat([have, rest]), expected, 'bytes received around cancelled reads');
          await withTimeout(startClose(b, 'acceptor close()'), ctx.opTimeoutMs, 'acceptor close()');
          await withTimeout(closing, ctx.opTimeoutMs, 'dialer close()');
        }),
    },
    {
      id: 'cancel-one-of-concurrent',
      name: 'cancelling the middle one of three concurrent reads: the other two are served in order and nothing is lost',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const controller = new AbortController();
          const r1 = read(b, 'read 1', ctx.opTimeoutMs);
          const r2 = read(b, 'read 2 (cancelled)', ctx.opTimeoutMs, { signal: controller.signal });
          const r3 = read(b, 'read 3', ctx.opTimeoutMs);
          controller.abort(new Error('conformance: cancel'));
          expectAborted(await r2, 'cancelled read 2');
          const data = [pattern(100, 70), pattern(200, 71)];
          for (const [i, d] of data.entries())
            expectOk(await write(a, d, `write ${i}`, ctx.opTimeoutMs), `write ${i}`);
          const closing = startClose(a, 'dialer close()');
          const first = expectData(await r1, 'read 1');
          const third = await r3;
          const parts = [first];
          if (third.ok && third.value !== EOF) parts.push(third.value);
          else if (!third.ok) fail(`read 3 failed: ${describeValue(third.error)}`);
          const expected = concat(data);
          const have = concat(parts);
          const rest = await readUntilEof(b, expected.length, {
            what: 'rest',
            deadline: Date.now() + ctx.opTimeoutMs,
          });
          checkBytes(concat([have, rest]), expected, 'data around a cancelled concurrent read');
          await withTimeout(startClose(b, 'acceptor close()'), ctx.opTimeoutMs, 'acceptor close()');
          await withTimeout(closing, ctx.opTimeoutMs, 'dialer close()');
        }),
    },
    {
      id: 'abort-after-resolve-is-harmless',
      name: 'firing a read’s signal after the read resolved changes nothing: the next read gets the next data',
      run: (ctx) =>
        ctx.withPair(async (a, b) => {
          const controller = new AbortController();
          const pending = read(b, 'read', ctx.opTimeoutMs, { signal: controller.signal });
          const one = pattern(10, 80);
          expectOk(await write(a, one, 'write 1', ctx.opTimeoutMs), 'write 1');
          const first = expectData(await pending, 'read with signal');
          controller.abort(new Error('conformance: late cancel'));
          const rest1 =
            first.length < one.length
              ? await receiveExactly(b, one.length - first.length, {
                  what: 'rest 1',
                  deadline: Date.now() + ctx.opTimeoutMs,
                })
              : new Uint8Array(0);
          checkBytes(concat([first, rest1]), one, 'first message');
          const two = pattern(10, 81);
          expectOk(await write(a, two, 'write 2', ctx.opTimeoutMs), 'write 2');
          checkBytes(
            await receiveExactly(b, two.length, { what: 'read 2', deadline: Date.now() + ctx.opTimeoutMs }),
            two,
            'second message',
          );
        }),
    },
  ],
};
