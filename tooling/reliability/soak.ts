// `pnpm soak`: the long run of every reliability scenario, about five
// minutes on a 2-core machine, ending in a table (plain and Markdown).
// Exits 1 if any byte was lost, anything leaked, or any scenario failed.
// `--quick` runs a small version of each scenario (for trying it out);
// `--only=<prefix>` runs only the scenarios whose name starts with it
// (`--only=listener:` for the unaccepted-listener one).

import { parseAddress } from '@flowkit/flowcat';
import fc from 'fast-check';
import { makeCertificates } from '../tour/certs.js';
import { runIdle } from './idle.js';
import { runLoad } from './load.js';
import { faultCaseArbitrary, runFaultCase } from './memory-faults.js';
import { type KillDirection, type KillTransport, killPeer } from './peer-kill.js';
import { abortRace, closeListenerInFlight, type RaceOp, type RaceTransport } from './races.js';
import { census, describeLeak, leakSince } from './resources.js';
import { runUnaccepted } from './unaccepted.js';

const quick = process.argv.includes('--quick');
const scale = (full: number, small: number) => (quick ? small : full);
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);

interface Row {
  scenario: string;
  load: string;
  faults: number;
  bytesChecked: number;
  bytesLost: number;
  leaks: number;
  failures: number;
  notes: string[];
  ms: number;
}

let unhandled = 0;
process.on('unhandledRejection', (reason) => {
  unhandled++;
  console.error('unhandled rejection:', reason);
});

const rows: Row[] = [];

async function phase(scenario: string, run: (row: Row) => Promise<void>): Promise<void> {
  if (only !== undefined && !scenario.startsWith(only)) return;
  const row: Row = {
    scenario,
    load: '',
    faults: 0,
    bytesChecked: 0,
    bytesLost: 0,
    leaks: 0,
    failures: 0,
    notes: [],
    ms: 0,
  };
  const before = census();
  const started = Date.now();
  process.stdout.write(`• ${scenario} … `);
  try {
    await run(row);
  } catch (e) {
    row.failures++;
    row.notes.push(`crashed: ${e instanceof Error ? e.message : String(e)}`);
  }
  const leak = await leakSince(before, 10_000);
  row.leaks = leak.total;
  if (leak.total > 0) row.notes.push(`leaked ${describeLeak(leak)}`);
  row.ms = Date.now() - started;
  rows.push(row);
  console.log(
    `${(row.ms / 1000).toFixed(1)} s${row.failures + row.bytesLost + row.leaks > 0 ? ' FAILED' : ''}`,
  );
  for (const n of [...row.notes.slice(0, 5), ...row.notes.slice(5).filter((n) => n.startsWith('leaked'))])
    console.log(`    ${n}`);
}

const MiB = 1024 * 1024;
const opArb = fc.array(
  fc.tuple(
    fc.constantFrom(0 as const, 1 as const),
    fc.constantFrom<RaceOp>('read', 'read-signal', 'write', 'writev', 'close', 'close-signal', 'abort'),
  ),
  { minLength: 1, maxLength: 16 },
);

async function main(): Promise<number> {
  const certs = await makeCertificates();
  const soakStart = Date.now();

  for (const transport of ['tcp', 'unix'] as const) {
    const flows = scale(2_000, 100);
    const maxBytes = scale(MiB, 64 * 1024);
    await phase(
      `load: ${flows} concurrent ${transport} flows, ≤ ${maxBytes / 1024} KiB each way`,
      async (row) => {
        const r = await runLoad({ transport, flows, maxBytes, seed: 2024, deadlineMs: 120_000 });
        row.load = `${r.completed}/${flows} flows`;
        row.bytesChecked = r.bytesChecked;
        row.bytesLost = r.bytesLost;
        row.failures = r.errorCount;
        row.notes.push(...r.errors);
      },
    );
  }

  const idle = scale(10_000, 1_000);
  await phase(`idle: ${idle} tcp flows held, then closed`, async (row) => {
    const r = await runIdle(idle, 120_000);
    row.load = `${r.held}/${idle} held`;
    row.failures = r.errorCount;
    row.notes.push(...r.errors);
  });

  const peers = scale(2_000, 300);
  const rssBound = 24 * MiB;
  await phase(
    `listener: ${peers} peers send 1 MiB and FIN, nobody accepts (backlog 511), RSS growth ≤ 24 MiB`,
    async (row) => {
      const r = await runUnaccepted({ peers, bytes: MiB, backlog: 511, deadlineMs: 120_000 });
      const growth = `${(r.rssGrowth / MiB).toFixed(1)} MiB`;
      row.load = `${r.maxPending} held, ${r.peersEnded}/${peers} refused or torn down; RSS +${growth}`;
      row.failures = r.errorCount;
      row.notes.push(...r.errors);
      if (r.rssGrowth > rssBound) {
        row.failures++;
        row.notes.push(`RSS grew ${growth}, over the 24 MiB bound`);
      }
    },
  );

  const rounds = scale(5, 1);
  await phase(`SIGKILL a peer process mid-transfer (tcp, unix, tls × both ways) × ${rounds}`, async (row) => {
    for (let i = 0; i < rounds; i++) {
      for (const t of ['tcp', 'unix', 'tls'] as KillTransport[]) {
        for (const d of ['peer-sends', 'peer-reads'] as KillDirection[]) {
          const o = await killPeer(t, d, certs);
          row.faults++;
          row.bytesChecked += 0;
          const okRead = t === 'tls' ? o.readEnd !== 'EOF' && o.readEnd !== 'hung' : o.readEnd !== 'hung';
          if (!okRead || !o.pendingReadResolved || !o.pendingWriteResolved || o.writeEnd === 'hung') {
            row.failures++;
            row.notes.push(`${t} ${d}: read ${o.readEnd}, write ${o.writeEnd}`);
          }
        }
      }
    }
    row.load = `${row.faults} kills`;
  });

  const seeds = scale(20, 3);
  await phase(
    `listener closed with 50 accepts + 50 connects in flight × ${seeds} seeds × 4 transports`,
    async (row) => {
      for (const t of ['memory', 'tcp', 'unix', 'tls'] as RaceTransport[]) {
        for (let seed = 0; seed < seeds; seed++) {
          const o = await closeListenerInFlight(t, seed, 50, certs);
          row.faults++;
          if (o.hung > 0 || o.acceptOther.length > 0 || o.acceptAfterClose !== 'closed') {
            row.failures++;
            row.notes.push(`${t} seed ${seed}: hung ${o.hung}, other ${o.acceptOther.join(',')}`);
          }
        }
      }
      row.load = `${row.faults} closes`;
    },
  );

  const raceBudgetMs = scale(60_000, 5_000);
  await phase(
    `abort() racing close/read/write, seeded, ${raceBudgetMs / 1000} s over 4 transports`,
    async (row) => {
      const samples = fc.sample(fc.tuple(fc.integer({ min: 0, max: 2 ** 31 - 1 }), opArb), {
        numRuns: 100_000,
        seed: 77,
      });
      const until = Date.now() + raceBudgetMs;
      const transports: RaceTransport[] = ['memory', 'tcp', 'unix', 'tls'];
      for (let i = 0; i < samples.length && Date.now() < until; i++) {
        const [seed, ops] = samples[i]!;
        const t = transports[i % 4]!;
        const o = await abortRace(t, seed, ops, certs);
        row.faults += ops.filter(([, op]) => op === 'abort').length + 2;
        if (o.hung > 0 || o.violations.length > 0) {
          row.failures++;
          row.notes.push(
            `${t} seed ${seed}: ${o.violations.slice(0, 2).join('; ')}${o.hung ? ` hung ${o.hung}` : ''}`,
          );
        }
      }
      row.load = `${row.faults} aborts`;
    },
  );

  const faultRuns = scale(10_000, 300);
  const faultBudgetMs = scale(150_000, 20_000);
  await phase(`memory fault modes: ${faultRuns} seeded property runs`, async (row) => {
    const cases = fc.sample(faultCaseArbitrary(), { numRuns: faultRuns, seed: 2024 });
    const until = Date.now() + faultBudgetMs;
    let done = 0;
    for (const c of cases) {
      if (Date.now() > until) {
        row.notes.push(`time budget reached after ${done} of ${faultRuns} runs`);
        break;
      }
      const o = await runFaultCase(c);
      done++;
      row.faults++;
      row.bytesChecked += o.bytesChecked;
      row.bytesLost += o.bytesLost;
      if (o.problems.length > 0) {
        row.failures++;
        if (row.notes.length < 5) row.notes.push(`${JSON.stringify(c)}: ${o.problems[0]}`);
      }
    }
    row.load = `${done} runs`;
  });

  await phase('bad input: flowcat addresses, 100,000 fuzzed strings', async (row) => {
    const strings = fc.sample(fc.string({ unit: 'grapheme', maxLength: 40 }), {
      numRuns: scale(100_000, 5_000),
      seed: 9,
    });
    for (const s of strings) {
      try {
        const r = parseAddress(s);
        if (!r.ok && r.error.type !== 'invalid-address') row.failures++;
      } catch {
        row.failures++;
      }
    }
    row.load = `${strings.length} inputs`;
  });

  console.log(
    `\nsoak took ${((Date.now() - soakStart) / 1000).toFixed(0)} s; unhandled rejections: ${unhandled}\n`,
  );
  const header = [
    'scenario',
    'load held',
    'faults injected',
    'bytes checked',
    'bytes lost',
    'leaks',
    'failures',
    'time',
  ];
  const body = rows.map((r) => [
    r.scenario,
    r.load,
    String(r.faults),
    r.bytesChecked.toLocaleString('en-US'),
    String(r.bytesLost),
    String(r.leaks),
    String(r.failures),
    `${(r.ms / 1000).toFixed(1)} s`,
  ]);
  const total = rows.reduce(
    (t, r) => ({
      faults: t.faults + r.faults,
      checked: t.checked + r.bytesChecked,
      lost: t.lost + r.bytesLost,
      leaks: t.leaks + r.leaks,
      failures: t.failures + r.failures,
    }),
    { faults: 0, checked: 0, lost: 0, leaks: 0, failures: unhandled },
  );
  body.push([
    '**total**',
    '',
    String(total.faults),
    total.checked.toLocaleString('en-US'),
    String(total.lost),
    String(total.leaks),
    String(total.failures),
    `${((Date.now() - soakStart) / 1000).toFixed(0)} s`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(line(header));
  for (const r of body) console.log(line(r));
  console.log('\nMarkdown:\n');
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map((_, i) => (i === 0 || i === 1 ? '---' : '---:')).join('|')}|`);
  for (const r of body) console.log(`| ${r.join(' | ')} |`);
  const failed = total.lost > 0 || total.leaks > 0 || total.failures > 0;
  console.log(
    failed
      ? '\nSOAK FAILED: something was lost, leaked or broke (see above).'
      : '\nsoak passed: nothing lost, nothing leaked.',
  );
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
    // Stray handles must not keep the process alive; everything was checked above.
    setTimeout(() => process.exit(code), 500).unref();
  },
  (e) => {
    console.error(e);
    process.exit(2);
  },
);
