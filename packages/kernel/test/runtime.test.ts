import { describe, expect, it } from 'vitest';
import { detectRuntime, runtimeName } from '../src/index.js';

describe('detectRuntime', () => {
  it('names Deno and Bun before Node (both also provide a Node-like process)', () => {
    const node = { process: { versions: { node: '22.0.0' } } };
    expect(detectRuntime(node)).toBe('node');
    expect(detectRuntime({ ...node, Deno: { version: { deno: '2.9.6' } } })).toBe('deno');
    expect(detectRuntime({ ...node, Bun: { version: '1.4.5' } })).toBe('bun');
    expect(detectRuntime({ document: {} })).toBe('browser');
    expect(detectRuntime({})).toBe('other');
  });

  it('is not fooled by look-alikes without a version', () => {
    expect(detectRuntime({ Deno: {}, Bun: {}, process: { versions: {} } })).toBe('other');
    expect(detectRuntime({ document: null })).toBe('other');
  });

  it('finds Node here', () => {
    expect(runtimeName()).toBe('node');
  });
});
