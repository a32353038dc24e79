import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Flow, Listener } from '@flowkit/flow-types';
import { afterAll } from 'vitest';
import { boundedListener } from '../../../tooling/testing/bounded-listener.js';
import { connect, listen, type UnixListener } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'flowkit-unix-bl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

boundedListener({
  name: 'unix',
  listen: (backlog) => listen({ path: join(dir, `s${n++}.sock`), backlog }),
  connect: (l: Listener<Flow>) => {
    const address = (l as UnixListener).address;
    return connect('path' in address ? { path: address.path } : { name: address.name });
  },
  // No RST on unix: the refused connection is closed; the peer reads EOF
  // (or a reset, if it had written).
  refusedReads: ['eof', 'reset'],
});
