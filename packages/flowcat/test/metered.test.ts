import { EOF } from '@flowkit/flow-types';
import { pair } from '@flowkit/memory';
import { expect, it } from 'vitest';
import { MeteredFlow } from '../src/metered.js';

it('MeteredFlow counts the bytes read, reports each read, and passes a TypeError of the inner read at the call', async () => {
  const [a, b] = pair();
  let activity = 0;
  const metered = new MeteredFlow(b, () => activity++);
  await a.write(new Uint8Array([1, 2, 3]));
  await a.closeWrite();
  const first = await metered.read();
  expect(first.ok && first.value !== EOF && first.value.length).toBe(3);
  expect((await metered.read()).ok).toBe(true);
  expect([metered.bytesRead, activity]).toEqual([3, 1]);
  // A programming error is a TypeError at the call, never a rejected promise.
  expect(() => metered.read({ signal: 'x' as never })).toThrow(TypeError);
  a.abort();
  b.abort();
});
