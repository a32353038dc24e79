import type { RuntimeName } from '@flowkit/flow-types';
import { describe, expect, it } from 'vitest';
import { detectRuntime, runtimeName, runtimeRefusal } from '../src/index.js';

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

describe('runtimeRefusal', () => {
  const reasons = { deno: 'no half-close there' };

  it('refuses a listed runtime with the subject, the runtime and the reason; the same object every call', () => {
    const refusal = runtimeRefusal('@flowkit/x cannot listen', reasons, () => 'deno');
    const first = refusal();
    expect(first).toEqual({
      type: 'unsupported-runtime',
      runtime: 'deno',
      message: '@flowkit/x cannot listen on deno: no half-close there',
    });
    expect(refusal()).toBe(first);
  });

  it('lets an unlisted runtime through, and asks for the runtime once, at the first call', () => {
    let asked = 0;
    const runtime = (): RuntimeName => {
      asked++;
      return 'node';
    };
    const refusal = runtimeRefusal('@flowkit/x cannot listen', reasons, runtime);
    expect(asked).toBe(0);
    expect(refusal()).toBeUndefined();
    expect(refusal()).toBeUndefined();
    expect(asked).toBe(1);
  });

  it('reads only its own reasons (a polluted Object.prototype refuses nothing)', () => {
    const proto = Object.prototype as { node?: string };
    proto.node = 'polluted';
    try {
      expect(runtimeRefusal('@flowkit/x cannot listen', reasons, () => 'node')()).toBeUndefined();
    } finally {
      delete proto.node;
    }
  });
});
