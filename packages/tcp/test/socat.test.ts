import { socatInterop } from '../../../tooling/testing/socat-interop.js';
import { connect, listen } from '../src/index.js';

/** A port that was free a moment ago: bind port 0, read it, release it. */
async function freePort(): Promise<number> {
  const l = await listen({ host: '127.0.0.1', port: 0 });
  if (!l.ok) throw new Error(l.error.message);
  const { port } = l.value.address;
  await l.value.close();
  return port;
}

socatInterop({
  name: 'tcp',
  async listenAddress() {
    const port = await freePort();
    return {
      socat: `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr`,
      dial: () => connect({ host: '127.0.0.1', port }),
    };
  },
});
