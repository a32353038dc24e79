import { EOF, type Flow, ok, type ReadOptions, type ReadResult } from '@flowkit/flow-types';

/**
 * A flow whose reads wait until the test answers them, and do not look at
 * their signal: the flow a race needs, where a read completes in the same
 * instant that a signal fires. `answer` settles the oldest waiting read;
 * `signals` are the signals the reads were given. Writes succeed at once.
 */
export function heldFlow(): Flow & {
  answer(result: ReadResult): void;
  readonly waiting: number;
  readonly signals: (AbortSignal | undefined)[];
} {
  const waiting: ((r: ReadResult) => void)[] = [];
  const signals: (AbortSignal | undefined)[] = [];
  return {
    read(options?: ReadOptions) {
      signals.push(options?.signal);
      return new Promise<ReadResult>((resolve) => waiting.push(resolve));
    },
    write: async () => ok(),
    writev: async () => ok(),
    closeWrite: async () => ok(),
    close: async () => {},
    abort() {
      for (const resolve of waiting.splice(0)) resolve({ ok: true, value: EOF });
    },
    answer(result) {
      waiting.shift()?.(result);
    },
    get waiting() {
      return waiting.length;
    },
    signals,
  };
}
