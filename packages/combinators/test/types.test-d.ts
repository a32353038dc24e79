import type { Flow } from '@flowkit/flow-types';
import { describe, expectTypeOf, it } from 'vitest';
import { type BufferedFlow, buffered, readAll, readExactly } from '../src/index.js';

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
});
