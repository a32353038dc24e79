import { TLSSocket } from 'node:tls';
import { describe, expect, it, vi } from 'vitest';

// node-internals.ts checks, when it loads, every Node-private field @flowkit/tls
// relies on. A Node release that changes one must make the import fail loudly.

describe('the Node internals @flowkit/tls relies on are checked at load time', () => {
  it('loads on this Node', async () => {
    vi.resetModules();
    await expect(import('../src/node-internals.js')).resolves.toHaveProperty('releaseControl');
  });

  it('refuses to load when TLSSocket loses _releaseControl', async () => {
    const proto = TLSSocket.prototype as unknown as { _releaseControl?: unknown };
    const saved = proto._releaseControl;
    delete proto._releaseControl;
    try {
      vi.resetModules();
      await expect(import('../src/node-internals.js')).rejects.toThrow(/_releaseControl/);
    } finally {
      proto._releaseControl = saved;
    }
  });

  it('refuses to load when _releaseControl stops releasing control', async () => {
    const proto = TLSSocket.prototype as unknown as { _releaseControl: () => boolean };
    const saved = proto._releaseControl;
    proto._releaseControl = () => false;
    try {
      vi.resetModules();
      await expect(import('../src/node-internals.js')).rejects.toThrow(/_controlReleased/);
    } finally {
      proto._releaseControl = saved;
    }
  });
});
