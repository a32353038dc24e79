// The listener's `abortSendsReset` capability: declared false (unix sockets
// have no RST), it skips exactly `accept-queue/close-resets-queued`, visibly;
// `close-aborts-queued` ("EOF or an error, no hang") still runs. A listener
// that closes queued connections gracefully passes the loose case and is
// caught by the strict one (broken.test.ts runs it too).
import { describe, expect, it } from 'vitest';
import { acceptQueueTopic, planListenerCases } from '../src/index.js';
import { referenceListenerOptions } from './support/reference-listener.js';

const STRICT = 'accept-queue/close-resets-queued';
const LOOSE = 'accept-queue/close-aborts-queued';

describe('the listener abortSendsReset capability', () => {
  it('declared false, it skips exactly close-resets-queued, with the reason in its name', () => {
    const planned = planListenerCases({
      ...referenceListenerOptions(),
      capabilities: { abortSendsReset: false },
    });
    const skipped = planned.filter((c) => c.skip !== undefined);
    expect(skipped.map((c) => c.id)).toEqual([STRICT]);
    expect(skipped[0]?.name).toMatch(/\(skipped: transport declares no reset on abort\)$/);
    expect(planned.find((c) => c.id === LOOSE)?.skip).toBeUndefined();
  });

  it('declared true or not declared, nothing is skipped', () => {
    for (const capabilities of [{ abortSendsReset: true }, {}, undefined]) {
      const options = {
        ...referenceListenerOptions(),
        ...(capabilities === undefined ? {} : { capabilities }),
      };
      expect(planListenerCases(options).filter((c) => c.skip !== undefined)).toEqual([]);
    }
  });

  it('a capability that is not a boolean is a TypeError naming it, at the call', () => {
    expect(() =>
      planListenerCases({ ...referenceListenerOptions(), capabilities: { abortSendsReset: 'yes' as never } }),
    ).toThrow(/capabilities\.abortSendsReset/);
  });

  it('a listener that closes queued connections gracefully passes only the loose case', async () => {
    const planned = planListenerCases(
      { ...referenceListenerOptions({ closeQueuedGracefully: true }), name: 'graceful' },
      [acceptQueueTopic],
      { opTimeoutMs: 500 },
    );
    const run = (id: string) =>
      planned
        .find((c) => c.id === id)!
        .run()
        .then(
          () => 'passed',
          (e: unknown) => String(e),
        );
    expect(await run(LOOSE)).toBe('passed');
    expect(await run(STRICT)).toMatch(/read EOF: close\(\) ended it gracefully instead of aborting it/);
  });
});
