import { describe, expectTypeOf, it } from 'vitest';
import { EOF, type Eof, type Flow, type FlowError, type ReadResult, type WriteResult } from '../src/index.js';

declare const flow: Flow;

describe('a read result must be checked before its data is used', () => {
  it('is not a Uint8Array until ok and not-EOF are checked', async () => {
    const r = await flow.read();
    expectTypeOf(r).toEqualTypeOf<ReadResult>();
    // @ts-expect-error: value does not exist until ok is checked
    r.value;
    if (!r.ok) {
      expectTypeOf(r.error).toEqualTypeOf<FlowError>();
      return;
    }
    expectTypeOf(r.value).toEqualTypeOf<Uint8Array | Eof>();
    // @ts-expect-error: value may still be EOF
    r.value.byteLength;
    if (r.value === EOF) return;
    expectTypeOf(r.value).toEqualTypeOf<Uint8Array>();
  });

  it('has a write error union tagged by type', async () => {
    const w = await flow.write(new Uint8Array(1));
    if (!w.ok) {
      expectTypeOf(w.error.type).toEqualTypeOf<
        'closed' | 'reset' | 'aborted' | 'timeout' | 'truncated' | 'protocol' | 'io'
      >();
    }
  });
});

describe('closeWrite', () => {
  it('resolves a write result, like write', async () => {
    expectTypeOf(flow.closeWrite).returns.resolves.toEqualTypeOf<WriteResult>();
    const w = await flow.closeWrite();
    // @ts-expect-error: the error is there only when ok is false
    w.error;
  });
});
