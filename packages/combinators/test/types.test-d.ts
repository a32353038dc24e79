import { type Flow, formatError, formatWriteError } from '@flowkit/flow-types';
import { describe, expectTypeOf, it } from 'vitest';
import { type BufferedFlow, buffered, copy, proxy, readAll, readExactly } from '../src/index.js';

// Checked by vitest's typecheck (tsc): an unused `@ts-expect-error` is itself
// an error, so each line below fails the run if the type stops refusing it.
declare const raw: Flow;

describe('combinator signatures', () => {
  it('readExactly takes a BufferedFlow, not a plain Flow (surplus bytes need somewhere to go)', () => {
    // @ts-expect-error a plain Flow has no pushback buffer
    void readExactly(raw, 1);
    expectTypeOf(buffered(raw)).toEqualTypeOf<BufferedFlow>();
    expectTypeOf(readExactly).parameter(0).toEqualTypeOf<BufferedFlow>();
  });

  it('readAll requires its options and a limit', () => {
    // @ts-expect-error the options object is mandatory
    void readAll(raw);
    // @ts-expect-error the limit is mandatory
    void readAll(raw, {});
    void readAll(raw, { limit: 10 });
  });

  it('formatError takes every error a combinator returns (issue 15)', async () => {
    const all = await readAll(raw, { limit: 10 });
    if (!all.ok) expectTypeOf(formatError(all.error)).toEqualTypeOf<string>();
    const exact = await readExactly(buffered(raw), 4);
    if (!exact.ok) expectTypeOf(formatError(exact.error)).toEqualTypeOf<string>();
    const copied = await copy(raw, raw);
    if (!copied.ok) {
      expectTypeOf(formatError(copied.error)).toEqualTypeOf<string>();
      if (copied.error.type === 'write')
        expectTypeOf(formatWriteError(copied.error.error)).toEqualTypeOf<string>();
    }
    const relayed = await proxy(raw, raw);
    if (!relayed.ok) expectTypeOf(formatError(relayed.error)).toEqualTypeOf<string>();
  });
});
