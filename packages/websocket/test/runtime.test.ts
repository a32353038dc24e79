import { describe, expect, it, vi } from 'vitest';
import { asRuntime } from '../../../tooling/testing/as-runtime.js';

// Bun's own ws client has no net.Socket under it, so the Node entry's
// connect refuses Bun at the call; listen keeps working there. The runtime
// is injected (a Bun global).

describe('websocket on a runtime it cannot connect from', () => {
  it('on Bun (injected), connect resolves unsupported-runtime before reading options; listen still binds', async () => {
    await asRuntime('bun', async () => {
      const ws = await import('../src/index.js');
      const bound = await ws.listen({ host: '127.0.0.1', port: 0 });
      if (!bound.ok) throw new Error(bound.error.message);
      try {
        const dialed = await ws.connect({ url: bound.value.address.url });
        expect(dialed).toEqual({
          ok: false,
          error: {
            type: 'unsupported-runtime',
            runtime: 'bun',
            message: expect.stringMatching(
              /^@flowkit\/websocket cannot connect on bun: .*no underlying net\.Socket/,
            ),
          },
        });
        // A missing url would be invalid-option: the runtime is refused first.
        expect(await ws.connect({} as never)).toMatchObject({
          ok: false,
          error: { type: 'unsupported-runtime' },
        });
      } finally {
        await bound.value.close();
      }
    });
  });

  it('on this Node, connect dials', async () => {
    vi.resetModules();
    const ws = await import('../src/index.js');
    const dialed = await ws.connect({ url: 'ws://127.0.0.1:1/' });
    expect(dialed.ok ? 'connected' : dialed.error.type).toBe('refused');
  });
});
