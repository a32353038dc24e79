import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TransportName } from './cases.js';
import { SampleFailure } from './util.js';
import type { Sample, SlowPlan } from './workloads/shared.js';

const script = fileURLToPath(new URL('./slow-child.ts', import.meta.url));

/** What `slow-child.ts` prints as its last line. */
export type ChildAnswer =
  | { readonly ok: true; readonly sample: Sample }
  | { readonly ok: false; readonly error: string };

/**
 * Runs one slow-reader sample in a fresh process started with this
 * process's own flags (tsx's loader, `--expose-gc`, the source condition), so
 * its RSS baseline is a young heap. Both ends of the flow are in that child.
 */
export function slowReaderInChild(
  transport: TransportName,
  contender: string,
  plan: SlowPlan,
): Promise<Sample> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...process.execArgv, script, transport, contender, JSON.stringify(plan)],
      { timeout: plan.ms + 60_000, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        const last = stdout.trim().split('\n').pop() ?? '';
        let answer: ChildAnswer | undefined;
        try {
          answer = JSON.parse(last) as ChildAnswer;
        } catch {
          answer = undefined;
        }
        if (answer?.ok === true) resolve(answer.sample);
        else if (answer?.ok === false) reject(new SampleFailure(answer.error));
        else
          reject(
            new SampleFailure(`child process failed: ${error?.message ?? ''} ${stderr.trim().slice(-500)}`),
          );
      },
    );
  });
}
