import type { Flow } from '@flowkit/flow-types';
import { EOF } from '@flowkit/flow-types';
import { checkBytes, describeValue, fail } from './assert.js';
import {
  close,
  expectOk,
  read,
  readUntilEof,
  receiveExactly,
  startClose,
  task,
  write,
  writeAll,
} from './ops.js';
import { remaining, withTimeout } from './timing.js';
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
    receiveExactly(reader, expected.length, { what: `${what} (reader)`, deadline }),
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

/**
 * Reads `expected.length` bytes from `from`, checking each chunk against
 * `expected` at its offset, and writes every chunk back as it arrives: an
 * echo that works however the transport splits or merges the data.
 */
export async function echoChecked(
  from: Flow,
  expected: Uint8Array,
  what: string,
  deadline: number,
): Promise<void> {
  let at = 0;
  while (at < expected.length) {
    const r = await read(from, `${what}: read after ${at} of ${expected.length} bytes`, remaining(deadline));
    if (!r.ok)
      fail(`${what}: read failed after ${at} of ${expected.length} bytes: ${describeValue(r.error)}`);
    if (r.value === EOF) fail(`${what}: EOF after ${at} of ${expected.length} bytes`);
    const chunk = r.value;
    checkBytes(chunk, expected.subarray(at, at + chunk.length), `${what}: bytes ${at}–${at + chunk.length}`);
    at += chunk.length;
    expectOk(await write(from, chunk, `${what}: echo`, remaining(deadline)), `${what}: echo`);
  }
}
