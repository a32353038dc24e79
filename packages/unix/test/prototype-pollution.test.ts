import { closeSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { polluted, pollutedUntilSettled, value, within } from '../../../tooling/testing/polluted.js';
import { connect, listen, type UnixListener } from '../src/index.js';

// SPEC: options are read as own properties only; a polluted Object.prototype
// changes nothing. Each case pollutes Object.prototype while flowkit binds or
// dials and deletes what it added in `finally`, before any connection is
// accepted (Node builds an accepted socket's options itself, out of
// flowkit's reach).

const dir = mkdtempSync(join(tmpdir(), 'flowkit-unix-pollution-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(dir, `p${n++}.sock`);

/** Dials `listener` and accepts; true when both ends got their flow. */
async function reachable(listener: UnixListener, path: string): Promise<boolean> {
  const dialed = await connect({ path, timeout: 2_000 });
  const accepted = dialed.ok ? await within(listener.accept(), 2_000) : undefined;
  if (dialed.ok) dialed.value.abort();
  if (accepted?.ok) accepted.value.abort();
  return dialed.ok && accepted?.ok === true;
}

describe('unix.listen ignores options on Object.prototype', () => {
  it('an inherited `port` and `host` do not turn the bind into TCP', async () => {
    const path = fresh();
    // Until settled: listen binds only after awaiting its lock.
    const r = await pollutedUntilSettled({ port: value(0), host: value('127.0.0.1') }, () =>
      within(listen({ path }), 5_000),
    );
    expect(r?.ok).toBe(true);
    if (!r?.ok) return;
    try {
      expect(statSync(path).isSocket()).toBe(true);
      expect(await reachable(r.value, path)).toBe(true);
    } finally {
      await r.value.close();
    }
  });

  it('an inherited `keepAliveInitialDelay` that is not a number is not validated', async () => {
    const path = fresh();
    const r = await pollutedUntilSettled({ keepAliveInitialDelay: value('soon') }, () =>
      within(listen({ path }), 5_000),
    );
    expect(r?.ok).toBe(true);
    if (!r?.ok) return;
    try {
      expect(await reachable(r.value, path)).toBe(true);
    } finally {
      await r.value.close();
    }
  });
});

describe('unix.connect ignores options on Object.prototype', () => {
  it('an inherited `fd` (an open file) is not wrapped as the socket', async () => {
    const path = fresh();
    const bound = await listen({ path });
    if (!bound.ok) throw new Error(bound.error.message);
    const fd = openSync(join(dir, 'not-a-socket'), 'w');
    try {
      const r = await polluted({ fd: value(fd) }, () => connect({ path, timeout: 2_000 }));
      expect(r.ok).toBe(true);
      if (r.ok) r.value.abort();
    } finally {
      closeSync(fd);
      await bound.value.close();
    }
  });

  it('an inherited aborted `signal` does not abort the dial', async () => {
    const path = fresh();
    const bound = await listen({ path });
    if (!bound.ok) throw new Error(bound.error.message);
    try {
      const r = await polluted({ signal: value(AbortSignal.abort()) }, () =>
        connect({ path, timeout: 2_000 }),
      );
      const accepted = await within(bound.value.accept(), 2_000);
      if (r.ok) r.value.abort();
      if (accepted?.ok) accepted.value.abort();
      expect(r.ok).toBe(true);
      expect(accepted?.ok).toBe(true);
    } finally {
      await bound.value.close();
    }
  });
});
