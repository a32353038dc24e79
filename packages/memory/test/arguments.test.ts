import { describe, expect, it } from 'vitest';
import { pair } from '../src/index.js';

describe('programming errors throw a TypeError at the call', () => {
  it.each([
    ['a string', 'str'],
    ['a number', 5],
    ['undefined', undefined],
    ['an array', [1, 2]],
    ['an ArrayBuffer', new ArrayBuffer(4)],
  ])('write(%s) throws naming buffer, and nothing is written', async (_, value) => {
    const [a, b] = pair();
    expect(() => a.write(value as never)).toThrow(TypeError);
    expect(() => a.write(value as never)).toThrow(/write: buffer must be a Uint8Array/);
    expect(a.bytesWritten).toBe(0);
    a.abort();
    b.abort();
  });

  it.each([
    ['a string', 'str', /writev: buffers must be an array/],
    ['an array holding a string', [new Uint8Array(1), 'x'], /writev: buffers\[1\] must be a Uint8Array/],
    ['a Uint8Array', new Uint8Array(2), /writev: buffers must be an array/],
  ])('writev(%s) throws naming buffers, and nothing is written', async (_, value, message) => {
    const [a, b] = pair();
    expect(() => a.writev(value as never)).toThrow(message);
    expect(a.bytesWritten).toBe(0);
    a.abort();
    b.abort();
  });

  it('the check comes first: after close a bad buffer still throws', async () => {
    const [a, b] = pair();
    a.abort();
    expect(() => a.write('str' as never)).toThrow(TypeError);
    b.abort();
  });
});
