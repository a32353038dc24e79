import type { Flow } from '@flowkit/flow-types';
import { checkBytes } from './assert.js';
import { close, readExactly, readUntilEof, startClose, task, writeAll } from './ops.js';
import { withTimeout } from './timing.js';
import type { FlowCaseContext } from './types.js';

/**
 * `writer` sends `chunks` (awaiting each write) and closes; `reader` reads
 * until EOF, checks the bytes against `expected`, then closes. Both sides run
 * at once so a bounded transport cannot deadlock. Both closes must resolve.
 */
export async function sendThenClose(
  ctx: FlowCaseContext,
  writer: Flow,
  reader: Flow,
  chunks: readonly Uint8Array[],
  expected: Uint8Array,
  what: string,
): Promise<void> {
  const deadline = Date.now() + ctx.transferTimeoutMs;
  const sending = task(async () => {
    await writeAll(writer, chunks, { what: `${what} (writer)`, deadline });
    // Wrapped so that awaiting `sending` does not wait for the close itself.
    return { closing: startClose(writer, `${what}: writer close()`) };
  });
  const receiving = task(async () => {
    const got = await readUntilEof(reader, expected.length, { what: `${what} (reader)`, deadline });
    checkBytes(got, expected, `${what}: bytes received`);
    await close(reader, `${what}: reader close()`, ctx.opTimeoutMs);
  });
  const [{ closing }] = await Promise.all([sending, receiving]);
  await withTimeout(closing, ctx.opTimeoutMs, `${what}: writer close() after the reader closed`);
}

/**
 * `writer` sends `chunks` while `reader` reads exactly `expected.length`
 * bytes and compares them. No close: for cases that go on using the pair.
 */
export async function sendExactly(
  ctx: FlowCaseContext,
  writer: Flow,
  reader: Flow,
  chunks: readonly Uint8Array[],
  expected: Uint8Array,
  what: string,
): Promise<void> {
  const deadline = Date.now() + ctx.transferTimeoutMs;
  const [, got] = await Promise.all([
    writeAll(writer, chunks, { what: `${what} (writer)`, deadline }),
    readExactly(reader, expected.length, { what: `${what} (reader)`, deadline }),
  ]);
  checkBytes(got, expected, `${what}: bytes received`);
}

/** Closes both ends at once and waits (bounded) for both closes. */
export async function closeBoth(ctx: FlowCaseContext, a: Flow, b: Flow, what: string): Promise<void> {
  await Promise.all([
    close(a, `${what}: dialer close()`, ctx.opTimeoutMs),
    close(b, `${what}: acceptor close()`, ctx.opTimeoutMs),
  ]);
}
