// `pnpm bench`: flowkit against what users would otherwise use, both sides
// in this one process, rounds interleaved. See README.md in this folder.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname } from 'node:path';
import { type Args, parseArgs, usage } from './args.js';
import { buildCases, type CaseSpec, type Contender, type RunPlan, type TransportEnv } from './cases.js';
import { makeCertificate } from './certs.js';
import { Envs, TRANSPORTS } from './envs.js';
import { planIdle } from './idle.js';
import { type IsolatedCase, isolateCase } from './isolated.js';
import { type CaseResult, type Collected, plausible, result, table } from './report.js';
import { collect, describe, gcAvailable, progress, progressDone } from './util.js';
import { websocketCases } from './websocket.js';

let args: Args;
try {
  args = parseArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${describe(error)}\n${usage}\n`);
  process.exit(2);
}

const envs = new Envs();
let interrupted = false;
let running: IsolatedCase | undefined;
process.once('SIGINT', () => {
  interrupted = true;
  running?.kill();
  process.stderr.write('\ninterrupted: cleaning up\n');
  void envs.dispose().finally(() => process.exit(130));
});

progress('setting up transports');
const certificate = await makeCertificate();
const transports: TransportEnv[] = [];
for (const name of TRANSPORTS) transports.push(await envs.make(name, certificate));

const idle = planIdle(args.flows);
const notes: string[] = [];
if (idle.note) notes.push(idle.note);
if (!gcAvailable()) {
  notes.push('global.gc is missing (run with node --expose-gc): memory figures include uncollected garbage');
}
const plan: RunPlan = {
  ms: args.durationMs,
  rounds: args.rounds,
  memoryRounds: args.memoryRounds,
  slowMs: args.slowMs,
  idleFlows: idle.count,
  ...(idle.note ? { idleNote: idle.note } : {}),
};
const all = [...buildCases(transports, plan), ...websocketCases(plan, (d) => envs.adopt(d))];
const only = args.only;
const cases: CaseSpec[] = only === undefined ? all : all.filter((c) => c.name.includes(only));

const results: CaseResult[] = [];
const started = performance.now();
for (const [index, spec] of cases.entries()) {
  const collected = new Map<string, Collected>();
  for (const c of spec.contenders) {
    collected.set(c.name, {
      samples: [],
      errors: [],
      ...(c.unavailable !== undefined ? { unavailable: c.unavailable } : {}),
    });
  }
  // Every contender runs in a process of its own for the whole case (the
  // slow reader already starts one per sample), so no run can deoptimise or
  // warm up code for another; see isolated.ts.
  let contenders: readonly Contender[] = spec.contenders;
  if (spec.workload !== 'slow-reader') {
    progress(`[${index + 1}/${cases.length}] ${spec.name} · starting one process per contender`);
    const limit = spec.workload === 'idle-flows' ? 180_000 : args.durationMs + 60_000;
    running = await isolateCase(spec.transport, spec.name, spec.contenders, plan, limit);
    contenders = running.contenders;
  }
  // Rounds interleave the contenders (A B C, A B C, …), so drift in the
  // machine's load hits every contender alike.
  for (let round = 1; round <= spec.rounds && !interrupted; round++) {
    for (const contender of contenders) {
      if (interrupted) continue;
      const got = collected.get(contender.name)!;
      if (contender.run === undefined) {
        // Available here but its worker could not set up: a failed sample, not "not available".
        if (contender.unavailable !== undefined && got.unavailable === undefined) {
          got.errors.push(contender.unavailable);
        }
        continue;
      }
      const elapsed = ((performance.now() - started) / 1000).toFixed(0);
      progress(
        `[${index + 1}/${cases.length}] ${spec.name} · ${contender.name} · round ${round}/${spec.rounds} (${elapsed} s)`,
      );
      if (contenders === spec.contenders) collect();
      try {
        got.samples.push(await contender.run());
      } catch (error) {
        got.errors.push(describe(error));
      }
    }
  }
  await running?.stop();
  running = undefined;
  results.push(result(spec, collected));
}
progressDone();
await envs.dispose();

const meta = {
  date: new Date().toISOString(),
  node: process.version,
  platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  cpus: os.cpus().length,
  quick: args.quick,
  durationMs: args.durationMs,
  rounds: args.rounds,
  memoryRounds: args.memoryRounds,
  slowMs: args.slowMs,
  idleFlows: idle.count,
  gc: gcAvailable(),
  seconds: (performance.now() - started) / 1000,
  notes,
};
await mkdir(dirname(args.json), { recursive: true });
await writeFile(args.json, `${JSON.stringify({ meta, cases: results }, null, 2)}\n`);

process.stdout.write(`${table(results)}\n`);
for (const note of notes) process.stdout.write(`note: ${note}\n`);
const incomplete = results.filter(
  (r) => r.status !== 'ok' || Object.values(r.medians).some((m) => m === null || !plausible(r.unit, m)),
);
for (const r of incomplete) process.stdout.write(`${r.status}: ${r.name}: ${r.problems.join('; ')}\n`);
process.stdout.write(`results: ${args.json}\n`);
if (interrupted) process.exit(130);
// Every case must have produced a number for every contender; speed is never judged here.
if (incomplete.length > 0 || cases.length === 0) {
  process.stderr.write(
    `${incomplete.length} of ${cases.length} cases without a number for every contender\n`,
  );
  process.exitCode = 1;
}
