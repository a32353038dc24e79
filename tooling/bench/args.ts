import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Command-line options of `pnpm bench`. */
export interface Args {
  readonly quick: boolean;
  /** Milliseconds per throughput sample. Default 1000 (full and quick). */
  readonly durationMs: number;
  /** Rounds per throughput case. Default 5; quick 1. */
  readonly rounds: number;
  /** Rounds per memory case. Default 3; quick 1. */
  readonly memoryRounds: number;
  /** Slow-reader writing time bound, ms. Default 4000; quick: the duration. */
  readonly slowMs: number;
  /** Idle flows wanted. Default 10,000; quick 1,000. */
  readonly flows: number;
  /** Where the JSON goes. Default `bench/results.json` at the repository root. */
  readonly json: string;
  /** Only cases whose name contains this text. */
  readonly only: string | undefined;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export const usage = `usage: pnpm bench [--quick] [--duration ms] [--rounds n] [--slow-ms ms] [--flows n] [--json file] [--only text]

  --quick        every case once, about a second each: a smoke run for CI
  --duration ms  time per throughput sample (default 1000)
  --rounds n     rounds per throughput case (default 5, quick 1); memory cases use min(n, 3)
  --slow-ms ms   slow reader: stop writing after this long (default 4000, quick = duration)
  --flows n      idle flows to open (default 10000, quick 1000; scaled down to ulimit -n)
  --json file    where to write the results (default bench/results.json)
  --only text    run only the cases whose name contains text`;

function positive(flag: string, text: string | undefined): number {
  const n = Number(text);
  if (text === undefined || !Number.isSafeInteger(n) || n <= 0) {
    throw new Error(
      `${flag} needs a positive integer, got ${text === undefined ? 'nothing' : JSON.stringify(text)}`,
    );
  }
  return n;
}

/** Parses argv; throws with a one-line message on anything unknown or malformed. */
export function parseArgs(argv: readonly string[]): Args {
  const quick = argv.includes('--quick');
  const given = new Map<string, string | undefined>();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--quick') continue;
    if (!['--duration', '--rounds', '--slow-ms', '--flows', '--json', '--only'].includes(flag)) {
      throw new Error(`unknown option ${flag}`);
    }
    given.set(flag, argv[++i]);
  }
  const durationMs = given.has('--duration') ? positive('--duration', given.get('--duration')) : 1000;
  const rounds = given.has('--rounds') ? positive('--rounds', given.get('--rounds')) : quick ? 1 : 5;
  const json = given.get('--json');
  if (given.has('--json') && !json) throw new Error('--json needs a file name');
  return {
    quick,
    durationMs,
    rounds,
    memoryRounds: Math.min(rounds, 3),
    slowMs: given.has('--slow-ms')
      ? positive('--slow-ms', given.get('--slow-ms'))
      : quick
        ? durationMs
        : 4000,
    flows: given.has('--flows') ? positive('--flows', given.get('--flows')) : quick ? 1000 : 10_000,
    json: json ? resolve(json) : join(root, 'bench', 'results.json'),
    only: given.get('--only'),
  };
}
