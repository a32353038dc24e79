import { join } from 'node:path';
import { socatInterop } from '../../../tooling/testing/socat-interop.js';
import { connect } from '../src/index.js';

let n = 0;

socatInterop({
  name: 'unix',
  async listenAddress(dir) {
    const path = join(dir, `socat${n++}.sock`);
    return { socat: `UNIX-LISTEN:${path}`, dial: () => connect({ path }) };
  },
});
