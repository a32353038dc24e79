import { TLSSocket } from 'node:tls';
import { describe, expect, it, vi } from 'vitest';

// node-internals.ts checks every Node-private field @flowkit/tls relies on.
// A Node release (or another runtime's node:tls) that changes one must make
// every entry point refuse, loudly and with the missing piece named; the
// import itself never throws (runtime.test.ts covers the entry points).

describe('the Node internals @flowkit/tls relies on', () => {
  it('hold on this Node', async () => {
    vi.resetModules();
    const { internalsProblem } = await import('../src/node-internals.js');
    expect(internalsProblem()).toBeUndefined();
  });

  it('are found missing when TLSSocket loses _releaseControl, and importing still works', async () => {
    const proto = TLSSocket.prototype as unknown as { _releaseControl?: unknown };
    const saved = proto._releaseControl;
    delete proto._releaseControl;
    try {
      vi.resetModules();
      const { internalsProblem } = await import('../src/node-internals.js');
      expect(internalsProblem()).toEqual({ what: 'TLSSocket.prototype._releaseControl is a function' });
    } finally {
      proto._releaseControl = saved;
    }
  });

  it('are found missing when _releaseControl stops releasing control', async () => {
    const proto = TLSSocket.prototype as unknown as { _releaseControl: () => boolean };
    const saved = proto._releaseControl;
    proto._releaseControl = () => false;
    try {
      vi.resetModules();
      const { internalsProblem } = await import('../src/node-internals.js');
      expect(internalsProblem()?.what).toMatch(/_controlReleased/);
    } finally {
      proto._releaseControl = saved;
    }
  });
});
