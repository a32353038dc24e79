import { EOF } from '@flowkit/flow-types';
import { describe, expect, it } from 'vitest';
import {
  ConformanceError,
  check,
  checkBytes,
  concat,
  describeValue,
  fail,
} from '../../src/support/assert.js';
import { thrownBy } from './scripted.js';

describe('fail and check', () => {
  it('fail throws a ConformanceError carrying the message', () => {
    let caught: unknown;
    try {
      fail('the promise broke');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConformanceError);
    expect((caught as Error).name).toBe('ConformanceError');
    expect((caught as Error).message).toBe('the promise broke');
  });

  it('check throws only when the condition is false', () => {
    expect(() => check(true, 'never')).not.toThrow();
    expect(thrownBy(() => check(false, 'it was false'))).toBe('it was false');
  });
});

describe('checkBytes', () => {
  it('passes equal arrays, including empty ones', () => {
    expect(() => checkBytes(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]), 'x')).not.toThrow();
    expect(() => checkBytes(new Uint8Array(0), new Uint8Array(0), 'x')).not.toThrow();
  });

  it('names the first differing byte, both values and both lengths', () => {
    expect(thrownBy(() => checkBytes(new Uint8Array([1, 9, 8]), new Uint8Array([1, 2, 3]), 'data'))).toBe(
      'data: byte 1 differs (got 9, expected 2); received 3 of 3 bytes',
    );
    expect(thrownBy(() => checkBytes(new Uint8Array([5, 2]), new Uint8Array([1, 2, 3, 4]), 'd'))).toBe(
      'd: byte 0 differs (got 5, expected 1); received 2 of 4 bytes',
    );
  });

  it('a difference in the last byte is caught', () => {
    expect(thrownBy(() => checkBytes(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]), 'd'))).toContain(
      'byte 2 differs',
    );
  });

  it('reports a length mismatch when the common prefix matches, either way round', () => {
    expect(thrownBy(() => checkBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3]), 'short'))).toBe(
      'short: received 2 bytes, expected 3 (the common prefix matches)',
    );
    expect(thrownBy(() => checkBytes(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2]), 'long'))).toBe(
      'long: received 3 bytes, expected 2 (the common prefix matches)',
    );
  });
});

describe('concat', () => {
  it('joins chunks in order into a fresh array', () => {
    const a = new Uint8Array([1, 2]);
    const joined = concat([a, new Uint8Array(0), new Uint8Array([3]), new Uint8Array([4, 5])]);
    expect([...joined]).toEqual([1, 2, 3, 4, 5]);
    expect(joined.buffer).not.toBe(a.buffer);
    expect(concat([]).length).toBe(0);
  });
});

describe('describeValue', () => {
  it('renders errors, byte arrays and symbols on one line', () => {
    expect(describeValue(new TypeError('bad'))).toBe('TypeError: bad');
    expect(describeValue(new Uint8Array(7))).toBe('Uint8Array(7)');
    expect(describeValue(EOF)).toBe('Symbol(@flowkit/eof)');
  });

  it('renders plain values as JSON, with byte arrays and symbols inside replaced', () => {
    expect(describeValue({ ok: true, value: new Uint8Array(3) })).toBe('{"ok":true,"value":"Uint8Array(3)"}');
    expect(describeValue({ ok: true, value: EOF })).toBe('{"ok":true,"value":"Symbol(@flowkit/eof)"}');
    expect(describeValue({ type: 'closed', n: 1 })).toBe('{"type":"closed","n":1}');
  });

  it('falls back to String() when JSON cannot render the value', () => {
    const cyclic: { self?: unknown; toString(): string } = { toString: () => 'a cycle' };
    cyclic.self = cyclic;
    expect(describeValue(cyclic)).toBe('a cycle');
    expect(describeValue(10n)).toBe('10');
  });
});
