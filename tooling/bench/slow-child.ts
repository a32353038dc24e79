// One slow-reader sample in a process of its own; started by child.ts.
// Prints one JSON line: { ok: true, sample } or { ok: false, error }.
import { slowContenders, type TransportName } from './cases.js';
import { makeCertificate } from './certs.js';
import type { ChildAnswer } from './child.js';
import { Envs, TRANSPORTS } from './envs.js';
import type { SlowPlan } from './workloads/shared.js';

async function run(): Promise<ChildAnswer> {
  const [transport, contender, planText] = process.argv.slice(2);
  if (!TRANSPORTS.includes(transport as TransportName) || contender === undefined || planText === undefined) {
    return { ok: false, error: `usage: slow-child.ts <${TRANSPORTS.join('|')}> <contender> <plan json>` };
  }
  const plan = JSON.parse(planText) as SlowPlan;
  const envs = new Envs();
  try {
    const certificate = transport === 'tls' ? await makeCertificate() : 'no certificate needed';
    const env = await envs.make(transport as TransportName, certificate);
    const chosen = slowContenders(env, plan).find((c) => c.name === contender);
    if (chosen?.run === undefined) {
      return {
        ok: false,
        error: `${contender} over ${transport}: ${chosen?.unavailable ?? 'no such contender'}`,
      };
    }
    return { ok: true, sample: await chosen.run() };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    await envs.dispose();
  }
}

process.stdout.write(`${JSON.stringify(await run())}\n`);
