import { describe, expect, it } from 'vitest';
import { checkBacklog, checkHost, checkPort, checkSignal, checkTimeout } from '../src/index.js';

describe('checkPort', () => {
  it.each([70000, -1, 1.5, Number.NaN, '80', undefined, 65536])('rejects %s, naming the option', (v) => {
    const e = checkPort(v);
    expect(e?.type).toBe('invalid-option');
    expect(e?.option).toBe('port');
    expect(e?.message).toMatch(/^port must be an integer 0–65535/);
  });
  it('accepts 0 and 65535 for listening; rejects 0 for dialing', () => {
    expect(checkPort(0)).toBeUndefined();
    expect(checkPort(65535)).toBeUndefined();
    expect(checkPort(0, { allowZero: false })?.message).toMatch(/1–65535/);
  });
});

describe('checkHost', () => {
  it.each(['', '   ', 'a b', 42])('rejects %j', (v) => {
    expect(checkHost(v)?.option).toBe('host');
  });
  it('accepts names and literals, and undefined unless required', () => {
    expect(checkHost('::1')).toBeUndefined();
    expect(checkHost('example.test')).toBeUndefined();
    expect(checkHost(undefined)).toBeUndefined();
    expect(checkHost(undefined, { required: true })?.option).toBe('host');
  });
});

describe('checkBacklog, checkTimeout, checkSignal', () => {
  it('backlog must be a non-negative integer', () => {
    expect(checkBacklog(-1)?.option).toBe('backlog');
    expect(checkBacklog(1.5)?.option).toBe('backlog');
    expect(checkBacklog(0)).toBeUndefined();
    expect(checkBacklog(undefined)).toBeUndefined();
  });
  it('timeout must be finite ms > 0', () => {
    expect(checkTimeout(0)?.option).toBe('timeout');
    expect(checkTimeout(Number.POSITIVE_INFINITY)?.option).toBe('timeout');
    expect(checkTimeout(-5)?.option).toBe('timeout');
    expect(checkTimeout(10)).toBeUndefined();
  });
  it('signal must be an AbortSignal', () => {
    expect(checkSignal(() => {})?.message).toMatch(/signal must be an AbortSignal, got a function/);
    expect(checkSignal({})?.option).toBe('signal');
    expect(checkSignal('yes')?.option).toBe('signal');
    expect(checkSignal(new AbortController().signal)).toBeUndefined();
    expect(checkSignal(undefined)).toBeUndefined();
  });
});
