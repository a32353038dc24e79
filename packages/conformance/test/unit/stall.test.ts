import type { ReadResult } from '@flowkit/flow-types';
import { describe, expect, it } from 'vitest';
import { pattern } from '../../src/support/pattern.js';
import {
  fillUntilStall,
  readAndVerify,
  STALL_CHUNK,
  STALL_LIMIT,
  STALL_WAIT_MS,
} from '../../src/support/stall.js';
import { referencePair } from '../support/reference-pair.js';
import { eof, messageOf, okWrite, reads, scripted } from './scripted.js';

const soon = () => Date.now() + 5_000;
const bytes = (b: Uint8Array): ReadResult => ({ ok: true, value: b });

describe('fillUntilStall', () => {
  it('writes 64 KiB chunks of the stream until one stays pending, and reports what was accepted', async () => {
    const [a, b] = referencePair({ capacity: 100 * 1024 });
    const started = Date.now();
    const stall = await fillUntilStall(a, 5, Date.now() + 20_000);
    // The reference pair admits writes while less than its capacity is queued.
    expect(stall.accepted).toBe(2 * STALL_CHUNK);
    expect(stall.stalledSize).toBe(STALL_CHUNK);
    // A write pending STALL_WAIT_MS counts as stalled: not the whole time left to the deadline.
    expect(Date.now() - started).toBeGreaterThanOrEqual(STALL_WAIT_MS - 10);
    expect(Date.now() - started).toBeLessThan(10_000);
    // What was accepted is the stream from offset 0, and the stalled write carries what follows.
    await readAndVerify(b, 3 * STALL_CHUNK, 5, soon());
    expect(await stall.stalled).toEqual(okWrite);
    a.abort();
    b.abort();
  });

  it('fails with "no backpressure" when writes keep resolving until the deadline', async () => {
    const writes: number[] = [];
    const flow = scripted({
      write: async (buffer) => {
        writes.push(buffer.length);
        return okWrite;
      },
    });
    expect(await messageOf(fillUntilStall(flow, 0, Date.now() + 30))).toMatch(
      /^no backpressure: writes kept resolving until the deadline \(\d+ bytes accepted\)$/,
    );
    expect(writes.length).toBeGreaterThan(0);
    expect(new Set(writes)).toEqual(new Set([STALL_CHUNK]));
  });

  it('fails at once when the deadline has already passed', async () => {
    const flow = scripted({});
    expect(await messageOf(fillUntilStall(flow, 0, Date.now()))).toBe(
      'no backpressure: writes kept resolving until the deadline (0 bytes accepted)',
    );
    expect(flow.calls).toEqual([]);
  });

  it('fails when a write with nobody reading is refused', async () => {
    const flow = scripted({ write: async () => ({ ok: false, error: { type: 'closed', message: 'x' } }) });
    expect(await messageOf(fillUntilStall(flow, 0, soon()))).toBe(
      'write at 0 with nobody reading failed: {"type":"closed","message":"x"}',
    );
  });

  it('a write that rejects is named by the offset it wrote at', async () => {
    let n = 0;
    const flow = scripted({
      write: () => (n++ === 0 ? Promise.resolve(okWrite) : Promise.reject(new Error('w'))),
    });
    expect(await messageOf(fillUntilStall(flow, 0, soon()))).toBe(
      `write at ${STALL_CHUNK} rejected (flowkit methods never reject): Error: w`,
    );
  });

  it('the limits', () => {
    expect(STALL_CHUNK).toBe(64 * 1024);
    expect(STALL_WAIT_MS).toBe(250);
    expect(STALL_LIMIT).toBe(64 * 1024 * 1024);
  });
});

describe('readAndVerify', () => {
  it('accepts the stream however it is split', async () => {
    const stream = pattern(10, 3);
    const flow = scripted({ read: reads(bytes(stream.subarray(0, 4)), bytes(stream.subarray(4))) });
    await readAndVerify(flow, 10, 3, soon());
    expect(flow.calls.length).toBe(2);
  });

  it('names the first wrong byte by its offset in the stream', async () => {
    const stream = pattern(6, 3);
    const wrong = stream.slice(4);
    wrong[1] = (wrong[1]! + 1) & 0xff;
    const flow = scripted({ read: reads(bytes(stream.subarray(0, 4)), bytes(wrong)) });
    expect(await messageOf(readAndVerify(flow, 6, 3, soon()))).toBe(
      `drain: byte 5 differs (got ${wrong[1]}, expected ${stream[5]})`,
    );
  });

  it('a different stream is caught at byte 0', async () => {
    const flow = scripted({ read: reads(bytes(pattern(4, 9))) });
    expect(await messageOf(readAndVerify(flow, 4, 3, soon()))).toMatch(/^drain: byte 0 differs/);
  });

  it('fails on more bytes than were written, EOF, or an error', async () => {
    expect(
      await messageOf(readAndVerify(scripted({ read: reads(bytes(pattern(5, 1))) }), 4, 1, soon())),
    ).toBe('drain: 5 bytes arrived, only 4 were written');
    expect(
      await messageOf(readAndVerify(scripted({ read: reads(bytes(pattern(2, 1)), eof) }), 4, 1, soon())),
    ).toBe('drain: EOF after 2 of 4 bytes');
    const reset: ReadResult = { ok: false, error: { type: 'reset', message: 'peer reset' } };
    expect(await messageOf(readAndVerify(scripted({ read: reads(reset) }), 4, 1, soon()))).toBe(
      'drain: read failed after 0 of 4 bytes: reset: peer reset',
    );
  });

  it('bounds each read by the deadline, naming the progress', async () => {
    const flow = scripted({ read: () => new Promise(() => {}) });
    expect(await messageOf(readAndVerify(flow, 4, 1, Date.now() + 20))).toMatch(
      /^drain read after 0 of 4 bytes: no result within \d+ ms$/,
    );
  });
});
