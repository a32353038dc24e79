import { beforeAll, describe, expect, it } from 'vitest';
import { killPeer } from '../reliability/peer-kill.js';
import { makeCertificates, type TourCertificates } from '../tour/certs.js';

let certs: TourCertificates;
beforeAll(async () => {
  certs = await makeCertificates();
});

const FLOW_ERRORS = ['reset', 'aborted', 'timeout', 'truncated', 'protocol', 'io'];

describe('a real peer process killed with SIGKILL mid-transfer', () => {
  for (const transport of ['tcp', 'unix', 'tls'] as const) {
    for (const direction of ['peer-sends', 'peer-reads'] as const) {
      it(`${transport}, ${direction}: pending reads and writes resolve with EOF or a typed error${transport === 'tls' ? ' (never a clean EOF)' : ''}`, async () => {
        const o = await killPeer(transport, direction, certs);
        expect(o.bytesBefore).toBeGreaterThanOrEqual(256 * 1024);
        expect(o.pendingReadResolved).toBe(true);
        expect(o.pendingWriteResolved).toBe(true);
        const readEnds = transport === 'tls' ? FLOW_ERRORS : ['EOF', ...FLOW_ERRORS];
        expect(readEnds).toContain(o.readEnd);
        if (direction === 'peer-reads') expect(['closed', ...FLOW_ERRORS]).toContain(o.writeEnd);
        else expect(['ok', 'closed', ...FLOW_ERRORS]).toContain(o.writeEnd);
      });
    }
  }
});
