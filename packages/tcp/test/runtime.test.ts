import { describe, expect, it, vi } from 'vitest';
import { asRuntime } from '../../../tooling/testing/as-runtime.js';

// Deno's accepted TCP sockets lose a write in flight when the peer's
// end-of-stream arrives, so tcp's listen refuses Deno at the call; connect
// keeps working there. The runtime is injected (a Deno global).

describe('tcp on a runtime it cannot listen on', () => {
  it('on Deno (injected), listen resolves unsupported-runtime before reading options; connect still dials', async () => {
    await asRuntime('deno', async () => {
      const tcp = await import('../src/index.js');
      const bound = await tcp.listen({ host: '127.0.0.1', port: 0 });
      expect(bound).toEqual({
        ok: false,
        error: {
          type: 'unsupported-runtime',
          runtime: 'deno',
          message: expect.stringMatching(
            /^@flowkit\/tcp cannot listen on deno: .*loses a write still in flight when the peer's end-of-stream arrives/,
          ),
        },
      });
      // A bad option would be invalid-option: the runtime is refused first.
      expect(await tcp.listen({ port: 70_000 })).toMatchObject({
        ok: false,
        error: { type: 'unsupported-runtime' },
      });
      // Nothing listens on port 1: the dial is made, and refused by the OS.
      const dialed = await tcp.connect({ host: '127.0.0.1', port: 1 });
      expect(dialed.ok ? 'connected' : dialed.error.type).toBe('refused');
    });
  });

  it('on this Node, listen binds', async () => {
    vi.resetModules();
    const tcp = await import('../src/index.js');
    const bound = await tcp.listen({ host: '127.0.0.1', port: 0 });
    expect(bound.ok).toBe(true);
    if (bound.ok) await bound.value.close();
  });
});
