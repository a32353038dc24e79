import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { toWebStreams } from '../../src/index.js';
import { settlesWithin } from '../support/bytes.js';
import { testPair } from '../support/pair.js';

const KiB = 1024;
const chunk = 16 * KiB;

/** Offers 16 KiB chunks while `ready` keeps resolving; at most `max` of them. */
async function offer(writer: WritableStreamDefaultWriter<Uint8Array>, max: number): Promise<number> {
  let submitted = 0;
  for (let i = 0; i < max; i++) {
    if (!(await settlesWithin(writer.ready, 100))) break;
    writer.write(new Uint8Array(chunk)).catch(() => undefined);
    submitted += chunk;
  }
  return submitted;
}

describe('toWebStreams against Node 20 Duplex.toWeb, same stalled peer', () => {
  it('ours stalls under 1 MiB; Duplex.toWeb keeps saying ready past 2 MiB', async () => {
    // A Duplex whose writes are never acknowledged: a peer that never reads.
    const stuck = new Duplex({ read() {}, write() {} });
    const nodeWriter = (Duplex.toWeb(stuck).writable as WritableStream<Uint8Array>).getWriter();
    const nodeQueued = await offer(nodeWriter, 2 * 64 + 1); // bounded: 2 MiB + one chunk
    stuck.destroy();
    await nodeWriter.abort().catch(() => undefined);

    const [peer, flow] = testPair(64 * KiB);
    const ourWriter = toWebStreams(flow).writable.getWriter();
    const ourQueued = await offer(ourWriter, 2 * 64 + 1);
    peer.abort();
    flow.abort();
    await ourWriter.abort().catch(() => undefined);

    expect(ourQueued).toBeLessThan(1024 * KiB);
    expect(nodeQueued).toBeGreaterThan(2 * 1024 * KiB);
  });
});
