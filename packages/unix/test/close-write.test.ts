import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { acceptedPair } from '../../../tooling/testing/accepted-pair.js';
import { socketCloseWrite } from '../../../tooling/testing/socket-close-write.js';
import { connect, listen, type UnixListener } from '../src/index.js';

// Unix stream sockets half-close for real: end() is shutdown(SHUT_WR), the
// peer reads EOF and can still send. These cases prove it.
const dir = mkdtempSync(join(tmpdir(), 'flowkit-unix-cw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const listeners: UnixListener[] = [];
let n = 0;

socketCloseWrite({
  name: 'unix',
  async makePair() {
    const path = join(dir, `s${n++}.sock`);
    const bound = await listen({ path });
    if (!bound.ok) throw new Error(bound.error.message);
    listeners.push(bound.value);
    return acceptedPair(bound.value, () => connect({ path }));
  },
  async cleanup() {
    await Promise.all(listeners.splice(0).map((l) => l.close()));
  },
});
