import { EOF, type Flow, ok } from '@flowkit/flow-types';

/** A flow that records what was called on it; enough for queue tests. */
export function stubFlow(): Flow & { aborted: boolean; calls: string[] } {
  const calls: string[] = [];
  return {
    aborted: false,
    calls,
    read: async () => (calls.push('read'), ok(EOF)),
    write: async () => (calls.push('write'), ok()),
    writev: async () => (calls.push('writev'), ok()),
    closeWrite: async () => (calls.push('closeWrite'), ok()),
    close: async () => void calls.push('close'),
    abort(this: { aborted: boolean }) {
      calls.push('abort');
      this.aborted = true;
    },
  };
}
