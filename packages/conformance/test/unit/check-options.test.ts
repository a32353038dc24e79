import { describe, expect, it } from 'vitest';
import { checkFlowOptions, checkListenerOptions } from '../../src/support/check-options.js';

const fn = async () => undefined as never;

/** The TypeError message a call throws; fails if it does not throw a TypeError. */
function typeError(call: () => unknown): string {
  try {
    call();
  } catch (e) {
    expect(e).toBeInstanceOf(TypeError);
    return (e as TypeError).message;
  }
  throw new Error('did not throw');
}

describe('checkFlowOptions', () => {
  const good = {
    name: 'n',
    makePair: fn,
    cleanup: fn,
    capabilities: { halfClose: false, abortSendsReset: true, backpressure: false },
    timeoutMs: 1_000,
    leakCheck: true,
    maxStressFlows: 3,
  };

  it('returns every known option as given', () => {
    expect({ ...checkFlowOptions('flowConformance', good) }).toEqual(good);
  });

  it('requires name and makePair, naming the entry point', () => {
    expect(typeError(() => checkFlowOptions('flowConformance', { makePair: fn }))).toBe(
      'flowConformance: name is required',
    );
    expect(typeError(() => checkFlowOptions('planFlowCases', { name: 'n' }))).toBe(
      'planFlowCases: makePair is required',
    );
  });

  it('refuses a bad value of each option, naming it', () => {
    const bad: Record<string, unknown> = {
      name: '',
      makePair: 1,
      cleanup: 'x',
      timeoutMs: 0,
      leakCheck: 'yes',
      maxStressFlows: 0,
    };
    for (const [option, value] of Object.entries(bad)) {
      const message = typeError(() => checkFlowOptions('flowConformance', { ...good, [option]: value }));
      expect(message).toMatch(new RegExp(`^flowConformance: .*${option}`));
    }
    for (const capability of ['halfClose', 'closeWaitsForRemote', 'abortSendsReset', 'backpressure']) {
      const message = typeError(() =>
        checkFlowOptions('flowConformance', { ...good, capabilities: { [capability]: 1 } }),
      );
      expect(message).toMatch(new RegExp(`^flowConformance: .*capabilities\\.${capability}`));
    }
    expect(typeError(() => checkFlowOptions('flowConformance', { ...good, capabilities: 'all' }))).toMatch(
      /capabilities/,
    );
  });

  it('refuses what is not an options object', () => {
    expect(typeError(() => checkFlowOptions('flowConformance', 'x'))).toMatch(/^flowConformance: .*options/);
  });
});

describe('checkListenerOptions', () => {
  const good = {
    name: 'n',
    listen: fn,
    connect: fn,
    connectToNothing: fn,
    listenAgain: fn,
    cleanup: fn,
    timeoutMs: 1_000,
    leakCheck: false,
  };

  it('returns every known option as given', () => {
    expect({ ...checkListenerOptions('listenerConformance', good) }).toEqual(good);
  });

  it('requires name, listen and connect', () => {
    const { name: _n, ...noName } = good;
    const { listen: _l, ...noListen } = good;
    const { connect: _c, ...noConnect } = good;
    expect(typeError(() => checkListenerOptions('listenerConformance', noName))).toBe(
      'listenerConformance: name is required',
    );
    expect(typeError(() => checkListenerOptions('listenerConformance', noListen))).toBe(
      'listenerConformance: listen is required',
    );
    expect(typeError(() => checkListenerOptions('planListenerCases', noConnect))).toBe(
      'planListenerCases: connect is required',
    );
  });

  it('refuses a bad value of each option, naming it', () => {
    expect(typeError(() => checkListenerOptions('listenerConformance', { ...good, name: '' }))).toMatch(
      /^listenerConformance: .*name/,
    );
    const bad: Record<string, unknown> = {
      name: 7,
      listen: {},
      connect: null,
      connectToNothing: 1,
      listenAgain: true,
      cleanup: [],
      timeoutMs: -1,
      leakCheck: 0,
    };
    for (const [option, value] of Object.entries(bad)) {
      const message = typeError(() =>
        checkListenerOptions('listenerConformance', { ...good, [option]: value }),
      );
      expect(message).toMatch(new RegExp(`^listenerConformance: .*${option}`));
    }
  });
});
