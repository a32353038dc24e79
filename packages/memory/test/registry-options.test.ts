import { describe, expect, it } from 'vitest';
import { connect, listen } from '../src/index.js';

describe('listen/connect with bad options never throw', () => {
  it('a missing options object is invalid-option, not a TypeError', async () => {
    for (const bad of [undefined, null, 5, 'db']) {
      const l = await listen(bad as never);
      expect(l.ok ? 'ok' : l.error.type).toBe('invalid-option');
      const c = await connect(bad as never);
      expect(c.ok ? 'ok' : c.error.type).toBe('invalid-option');
    }
  });

  it('a signal that is not an AbortSignal is invalid-option naming signal', async () => {
    const c = await connect({ name: 'x', signal: 5 as never });
    expect(c.ok ? undefined : c.error).toMatchObject({ type: 'invalid-option', option: 'signal' });
  });
});
