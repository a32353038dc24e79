import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CertMatrix, makeCertMatrix } from './support/certs.js';

let m: CertMatrix;
beforeAll(() => {
  m = makeCertMatrix();
});
afterAll(() => m.cleanup());

const script = fileURLToPath(new URL('./support/writev-memory.ts', import.meta.url));
const MIB = 64;

/** Peak RSS growth of one `MIB` MiB writev, in a fresh process (see support/writev-memory.ts). */
async function growth(mode: 'flowkit' | 'raw'): Promise<number> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--conditions=@flowkit/source', script, mode, String(MIB), m.dir],
    { cwd: fileURLToPath(new URL('..', import.meta.url)), timeout: 60_000 },
  );
  return (JSON.parse(stdout.trim().split('\n').at(-1)!) as { growthMiB: number }).growthMiB;
}

describe('a large writev', () => {
  it(`of ${MIB} MiB holds about one copy of the data, not its ciphertext too (≤ 1.2× raw node:tls, < 2× the data)`, async () => {
    const raw = await growth('raw');
    const flowkit = await growth('flowkit');
    // Handed to Node's TLS whole, the ciphertext of the whole writev sat
    // beside the plaintext: about 3× the data, as raw node:tls does.
    const figures = `flowkit +${flowkit} MiB, raw node:tls +${raw} MiB`;
    expect(flowkit, figures).toBeLessThan(2 * MIB);
    expect(flowkit, figures).toBeLessThanOrEqual(1.2 * raw);
  }, 120_000);
});
