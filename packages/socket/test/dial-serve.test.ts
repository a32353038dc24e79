import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { dial, serve } from '../src/index.js';

const noFlow = (socket: Socket): Socket => socket;

describe('options node:net refuses by throwing become results, never rejections', () => {
  it('dial: a localAddress that is not an IP (node:net throws ERR_INVALID_IP_ADDRESS)', async () => {
    const r = await dial(
      { host: '127.0.0.1', port: 9, localAddress: 'not-an-ip' },
      { label: '127.0.0.1:9' },
      noFlow,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.message).toContain('127.0.0.1:9');
      expect('code' in r.error && r.error.code).toBe('ERR_INVALID_IP_ADDRESS');
    }
  });

  it('serve: a port out of range (node:net throws ERR_SOCKET_BAD_PORT)', async () => {
    const r = await serve(
      {},
      { host: '127.0.0.1', port: 70_000 },
      {
        label: '127.0.0.1:70000',
        describe: () => undefined,
        wrap: () => {
          throw new Error('no connection expected');
        },
      },
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.type).toBe('io');
      expect('code' in r.error && r.error.code).toBe('ERR_SOCKET_BAD_PORT');
    }
  });
});
