// Peak memory of one large writev over TLS: flowkit's TlsFlow against raw
// node:tls (cork, write each buffer, uncork), the same reader for both.
//
//   tsx --conditions=@flowkit/source writev-memory.ts <flowkit|raw> <MiB> <certdir>
//
// Prints one JSON line: { mode, mib, baselineMiB, peakMiB, growthMiB }.
// One process per mode, so each peak RSS is that mode's alone.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { connect } from '../../src/index.js';

const [mode, mibText, dir] = process.argv.slice(2);
if ((mode !== 'flowkit' && mode !== 'raw') || mibText === undefined || dir === undefined) {
  throw new Error('usage: writev-memory.ts <flowkit|raw> <MiB> <certdir>');
}
const mib = Number(mibText);
const MiB = 1024 * 1024;
const file = (name: string) => readFileSync(join(dir, name), 'utf8');
const cert = file('good.pem') + file('inter.pem');
const key = file('good.key');
const ca = file('root.pem');

// The reader runs in a process of its own, so its garbage never counts.
const READER = `
const tls = require('node:tls');
const [cert, key] = [process.env.CERT, process.env.KEY];
let received = 0;
const server = tls.createServer({ cert, key }, (s) => {
  s.on('data', (d) => { received += d.length; });
  s.on('end', () => { s.end(); server.close(); });
  s.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
server.on('close', () => process.stdout.write(received + '\\n'));
`;
const reader = spawn(process.execPath, ['-e', READER], {
  env: { ...process.env, CERT: cert, KEY: key },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let output = '';
reader.stdout!.on('data', (d: Buffer) => {
  output += String(d);
});
/** The reader's `n`th line (its port, then the bytes it received). */
async function line(n: number): Promise<string> {
  for (let i = 0; i < 100_000; i++) {
    const lines = output.split('\n');
    if (lines.length > n + 1) return lines[n]!;
    await once(reader.stdout!, 'data');
  }
  throw new Error('the reader never answered');
}
const port = Number(await line(0));

const rss = () => process.memoryUsage().rss;
globalThis.gc?.();
const baseline = rss();
const buffers: Buffer[] = [];
for (let i = 0; i < mib; i++) buffers.push(Buffer.alloc(MiB, i & 0xff));

if (mode === 'flowkit') {
  const flow = await connect({ host: '127.0.0.1', port, ca, servername: 'localhost' });
  if (!flow.ok) throw new Error(flow.error.message);
  const w = await flow.value.writev(buffers);
  if (!w.ok) throw new Error(w.error.message);
  await flow.value.close();
} else {
  const socket = tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost' });
  await once(socket, 'secureConnect');
  socket.cork();
  for (const b of buffers) socket.write(b);
  socket.uncork();
  socket.end();
  await once(socket, 'close');
}
const received = Number(await line(1));
if (received !== mib * MiB) throw new Error(`the reader got ${received} B, not ${mib * MiB}`);
const peak = process.resourceUsage().maxRSS * 1024;
const toMiB = (n: number) => Math.round((n / MiB) * 10) / 10;
console.log(
  JSON.stringify({
    mode,
    mib,
    baselineMiB: toMiB(baseline),
    peakMiB: toMiB(peak),
    growthMiB: toMiB(peak - baseline),
  }),
);
