import { describe, expectTypeOf, it } from 'vitest';
import {
  type ConnectError,
  type FlowError,
  type FormattableError,
  formatError,
  formatWriteError,
  type ListenError,
  type WriteError,
} from '../src/index.js';

describe('formatError and formatWriteError take every flowkit error', () => {
  it('take the contract’s errors', () => {
    expectTypeOf(formatError).toBeCallableWith({} as FlowError);
    expectTypeOf(formatError).toBeCallableWith({} as ConnectError);
    expectTypeOf(formatError).toBeCallableWith({} as ListenError);
    expectTypeOf(formatError).toBeCallableWith({} as WriteError);
    expectTypeOf(formatWriteError).toBeCallableWith({} as WriteError);
    expectTypeOf(formatWriteError).toBeCallableWith({} as FlowError);
  });

  it('take errors other packages add, without a code or with extra fields', () => {
    const limit = { type: 'limit', message: 'more than 10 bytes', limit: 10 } as const;
    const eof = { type: 'eof', message: 'ended after 3 of 4 bytes', received: 3, wanted: 4 } as const;
    expectTypeOf(formatError(limit)).toEqualTypeOf<string>();
    expectTypeOf(formatError(eof)).toEqualTypeOf<string>();
    expectTypeOf(formatWriteError(limit)).toEqualTypeOf<string>();
    expectTypeOf<typeof limit>().toMatchTypeOf<FormattableError>();
  });

  it('refuse what is not an error', () => {
    // @ts-expect-error no message
    formatError({ type: 'x' });
    // @ts-expect-error a code must be a string
    formatError({ type: 'x', message: 'm', code: 5 });
    // @ts-expect-error not an object
    formatWriteError('reset');
  });
});
