import { describe, expect, it, vi } from 'vitest';
import { listenRefusalFor } from '../src/runtime.js';

// Deno's accepted TCP sockets lose a write in flight when the peer's
// end-of-stream arrives, so tcp's listen refuses Deno at the call; connect
// keeps working there. The runtime is injected (a Deno global).

describe('tcp on a runtime it cannot listen on', () => {
  it('refuses Deno by name, with the measured reason; Node, Bun and others listen', () => {
    expect(listenRefusalFor('deno')).toEqual({
      type: 'unsupported-runtime',
      runtime: 'deno',
      message: expect.stringMatching(
        /^@flowkit\/tcp cannot listen on deno: .*loses a write still in flight when the peer's end-of-stream arrives/,
      ),
    });
    for (const r of ['node', 'bun', 'browser', 'other'] as const) expect(listenRefusalFor(r)).toBeUndefined();
  });

  it('on Deno (injected), listen resolves unsupported-runtime before reading options; connect still dials', async () => {
    const g = globalThis as { Deno?: unknown };
    g.Deno = { version: { deno: '2.9.6' } };
    try {
      vi.resetModules();
      const tcp = await import('../src/index.js');
      const bound = await tcp.listen({ host: '127.0.0.1', port: 0 });
      expect(bound).toEqual({
        ok: false,
        error: expect.objectContaining({ type: 'unsupported-runtime', runtime: 'deno' }),
      });
      // A bad option would be invalid-option: the runtime is refused first.
      expect(await tcp.listen({ port: 70_000 })).toMatchObject({
        ok: false,
        error: { type: 'unsupported-runtime' },
      });
      // Nothing listens on port 1: the dial is made, and refused by the OS.
      const dialed = await tcp.connect({ host: '127.0.0.1', port: 1 });
      expect(dialed.ok ? 'connected' : dialed.error.type).toBe('refused');
    } finally {
      delete g.Deno;
      vi.resetModules();
    }
  });

  it('on this Node, listen binds', async () => {
    vi.resetModules();
    const tcp = await import('../src/index.js');
    const bound = await tcp.listen({ host: '127.0.0.1', port: 0 });
    expect(bound.ok).toBe(true);
    if (bound.ok) await bound.value.close();
  });
});
