// One contender of one case in a process of its own; started by isolated.ts.
// Answers every { type: 'run' } message with one sample, exits on { type: 'stop' }.
import { buildCases, type RunPlan, type TransportName } from './cases.js';
import { makeCertificate } from './certs.js';
import { Envs, TRANSPORTS } from './envs.js';
import type { WorkerReply, WorkerRequest } from './isolated.js';
import { collect, describe } from './util.js';

const send = (reply: WorkerReply): void => {
  process.send?.(reply);
};

const [transport, caseName, contenderName, planText] = process.argv.slice(2);
const envs = new Envs();

async function setUp(): Promise<(() => Promise<unknown>) | string> {
  const known = TRANSPORTS.includes(transport as TransportName) || transport === 'websocket';
  if (!known || !caseName || !contenderName || !planText) {
    return 'usage: isolated-worker.ts <transport> <case> <contender> <plan json>';
  }
  const plan = JSON.parse(planText) as RunPlan;
  if (transport === 'websocket') {
    // Loaded only here: with `ws` merely imported, flowkit's TLS bulk cost
    // 1.6-2x the CPU per byte in the same process (more frequent full
    // collections), so the other cases' workers must not carry it.
    const { websocketCases } = await import('./websocket.js');
    const spec = websocketCases(plan, (d) => envs.adopt(d)).find((c) => c.name === caseName);
    const contender = spec?.contenders.find((c) => c.name === contenderName);
    return contender?.run ?? `${contenderName} in ${caseName}: no such contender`;
  }
  const certificate = transport === 'tls' ? await makeCertificate() : 'no certificate needed';
  const env = await envs.make(transport as TransportName, certificate);
  const spec = buildCases([env], plan).find((c) => c.name === caseName);
  const contender = spec?.contenders.find((c) => c.name === contenderName);
  if (contender?.run === undefined) {
    return `${contenderName} in ${caseName}: ${contender?.unavailable ?? 'no such contender'}`;
  }
  return contender.run;
}

const run = await setUp().catch((error: unknown) => describe(error));
if (typeof run === 'string') send({ type: 'unavailable', reason: run });
else send({ type: 'ready' });

process.on('message', (message: WorkerRequest) => {
  if (message.type === 'stop') {
    void envs.dispose().finally(() => process.disconnect());
    return;
  }
  if (typeof run === 'string') {
    send({ type: 'failed', error: run });
    return;
  }
  collect();
  run().then(
    (sample) => send({ type: 'sample', sample: sample as never }),
    (error: unknown) => send({ type: 'failed', error: describe(error) }),
  );
});
