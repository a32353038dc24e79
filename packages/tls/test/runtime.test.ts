import { TLSSocket } from 'node:tls';
import type { ConnectError, Flow, ListenError, Result } from '@flowkit/flow-types';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { asRuntime } from '../../../tooling/testing/as-runtime.js';
import { refusalFor } from '../src/runtime.js';
import { type CertMatrix, makeCertMatrix } from './support/certs.js';

// Where a runtime cannot keep tls's promises, every entry point resolves
// `unsupported-runtime` at the call, before any I/O, and importing never
// throws. The probe's inputs are injected: a Deno global, or a node:tls
// that lost an internal.

let m: CertMatrix;
beforeAll(() => {
  m = makeCertMatrix();
});
afterAll(() => m.cleanup());

describe('refusalFor: which runtimes tls refuses, and why', () => {
  it('runs on Node when the internals hold', () => {
    expect(refusalFor('node', undefined)).toBeUndefined();
  });

  it('refuses Deno by name: backpressure and the reset after close_notify cannot be probed without I/O', () => {
    expect(refusalFor('deno', undefined)).toEqual({
      type: 'unsupported-runtime',
      runtime: 'deno',
      message: expect.stringMatching(
        /^@flowkit\/tls does not run on deno: .*without backpressure.*close_notify/,
      ),
    });
  });

  it('refuses a runtime whose node:tls lacks an internal, naming it (Bun: verifyError)', () => {
    const what = "a TLSSocket's _handle has verifyError()";
    expect(refusalFor('bun', { what })?.message).toBe(
      `@flowkit/tls does not run on bun: its node:tls lacks what truncation detection, client-certificate checks and post-handshake errors rely on (${what})`,
    );
    // A Node release that drops one is refused the same way.
    expect(refusalFor('node', { what, cause: 'x' })).toMatchObject({ runtime: 'node', cause: 'x' });
    // Bun stays refused by its measured failures even if the probe passed one day.
    expect(refusalFor('bun', undefined)?.message).toMatch(
      /reads EOF after close\(\) where the peer's data belongs/,
    );
  });
});

type Entry = (tls: typeof import('../src/index.js')) => Promise<Result<unknown, ConnectError | ListenError>>;

async function refusals(): Promise<{ results: unknown[]; inner: [Flow, Flow] }> {
  vi.resetModules();
  const tls = await import('../src/index.js');
  const { pair } = await import('@flowkit/memory');
  const [a, b] = pair();
  const entries: Entry[] = [
    (t) => t.connect({ host: '127.0.0.1', port: 1, ca: m.root.cert, servername: 'localhost' }),
    (t) => t.listen({ host: '127.0.0.1', port: 0, cert: m.good.chain, key: m.good.key }),
    (t) => t.wrapClient(a, { ca: m.root.cert, servername: 'localhost' }),
    // Missing cert/key would be invalid-option: the runtime is refused first.
    (t) => t.wrapServer(b, {} as never),
  ];
  const results = [];
  for (const entry of entries) {
    const r = await entry(tls);
    // A listener that was bound after all must not leak.
    if (r.ok) await (r.value as { close?: () => Promise<void> }).close?.();
    results.push(r);
  }
  return { results, inner: [a, b] };
}

describe('every entry point refuses at the call', () => {
  it('on Deno (injected): connect, listen, wrapClient, wrapServer resolve unsupported-runtime; the inner flow is untouched', async () => {
    await asRuntime('deno', async () => {
      const { results, inner } = await refusals();
      for (const r of results) {
        expect(r).toEqual({
          ok: false,
          error: expect.objectContaining({ type: 'unsupported-runtime', runtime: 'deno' }),
        });
      }
      // The same refusal every time: probed once.
      expect((results[0] as { error: unknown }).error).toBe((results[3] as { error: unknown }).error);
      // No handshake byte went out: the memory pair still carries plain data.
      const [a, b] = inner;
      expect(await a.write(new Uint8Array([1, 2, 3]))).toEqual({ ok: true, value: undefined });
      const got = await b.read();
      expect(got.ok && got.value instanceof Uint8Array ? [...got.value] : got).toEqual([1, 2, 3]);
      a.abort();
      b.abort();
    });
  });

  it('where node:tls lost an internal (injected: no _releaseControl), naming it', async () => {
    const proto = TLSSocket.prototype as unknown as { _releaseControl?: unknown };
    const saved = proto._releaseControl;
    delete proto._releaseControl;
    try {
      const { results, inner } = await refusals();
      for (const r of results) {
        expect(r).toEqual({
          ok: false,
          error: expect.objectContaining({
            type: 'unsupported-runtime',
            runtime: 'node',
            message: expect.stringContaining('(TLSSocket.prototype._releaseControl is a function)'),
          }),
        });
      }
      for (const f of inner) f.abort();
    } finally {
      proto._releaseControl = saved;
      vi.resetModules();
    }
  });

  it('and runs on this Node: the same calls reach their own errors', async () => {
    vi.resetModules();
    const tls = await import('../src/index.js');
    const refused = await tls.connect({
      host: '127.0.0.1',
      port: 1,
      ca: m.root.cert,
      servername: 'localhost',
    });
    expect(refused.ok ? 'connected' : refused.error.type).toBe('refused');
  });
});
