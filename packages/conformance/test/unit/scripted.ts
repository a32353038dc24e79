import type { Flow, ReadResult, WriteResult } from '@flowkit/flow-types';
import { EOF } from '@flowkit/flow-types';

/** What a {@link scripted} flow does for each method; unset methods fail the test if called. */
export interface Script {
  read?: (options?: { signal?: AbortSignal }) => unknown;
  write?: (buffer: Uint8Array) => unknown;
  writev?: (buffers: readonly Uint8Array[]) => unknown;
  closeWrite?: () => unknown;
  close?: (options?: { signal?: AbortSignal }) => unknown;
  abort?: (reason?: unknown) => void;
}

/**
 * A hand-driven Flow for testing the support helpers one result at a time:
 * each method does what the script says, which can break any promise the
 * helpers check (throw, reject, return a malformed result).
 */
export function scripted(script: Script): Flow & { readonly calls: string[] } {
  const calls: string[] = [];
  const missing = (name: string) => () => {
    throw new Error(`unexpected ${name}() in a scripted flow`);
  };
  const call =
    (name: keyof Script) =>
    (...args: unknown[]): never => {
      calls.push(name);
      const fn = (script[name] ?? missing(name)) as (...a: unknown[]) => never;
      return fn(...args);
    };
  return {
    calls,
    read: call('read'),
    write: call('write'),
    writev: call('writev'),
    closeWrite: call('closeWrite'),
    close: call('close'),
    abort: call('abort'),
  };
}

/** A read script that returns `results` in turn, then EOF forever. */
export function reads(...results: ReadResult[]): () => Promise<ReadResult> {
  let i = 0;
  return () => Promise.resolve(results[i++] ?? { ok: true, value: EOF });
}

/** A read script that returns `results` in turn, then never resolves. */
export function readsThenHang(...results: ReadResult[]): () => Promise<ReadResult> {
  let i = 0;
  return () => (i < results.length ? Promise.resolve(results[i++]!) : new Promise(() => {}));
}

export const data = (...bytes: number[]): ReadResult => ({ ok: true, value: new Uint8Array(bytes) });
export const eof: ReadResult = { ok: true, value: EOF };
export const okWrite: WriteResult = { ok: true, value: undefined };

/** The rejection of `p` (or `undefined` if it resolved). */
export function failureOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e: unknown) => e,
  );
}

/** The message of the error `p` rejects with; fails if it resolves. */
export async function messageOf(p: Promise<unknown>): Promise<string> {
  const e = await failureOf(p);
  if (!(e instanceof Error)) throw new Error(`expected a rejection with an Error, got ${String(e)}`);
  return e.message;
}

/** The message `fn` throws; fails if it does not throw. */
export function thrownBy(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof Error) return e.message;
    throw new Error(`threw a non-Error: ${String(e)}`);
  }
  throw new Error('did not throw');
}
