import { describe, expect, it } from 'vitest';
import { connectErrorFromNode, flowErrorFromNode, listenErrorFromNode } from '../src/index.js';

const sys = (code: string): Error => Object.assign(new Error(`syscall ${code}`), { code });

describe('connectErrorFromNode', () => {
  const table: [string, string][] = [
    ['ECONNREFUSED', 'refused'],
    ['EHOSTUNREACH', 'unreachable'],
    ['ENETUNREACH', 'unreachable'],
    ['EADDRNOTAVAIL', 'unreachable'],
    ['ETIMEDOUT', 'timeout'],
    ['ECONNRESET', 'reset'],
    ['EPIPE', 'reset'],
    ['EACCES', 'permission'],
    ['EPERM', 'permission'],
    ['ENOENT', 'not-found'],
    ['ENOTDIR', 'not-found'],
    ['ENOTFOUND', 'not-found'],
    ['EAI_AGAIN', 'not-found'],
    ['EAI_FAIL', 'not-found'],
    ['EMFILE', 'io'],
  ];
  it.each(table)('%s → %s, naming the address, keeping code and cause', (code, type) => {
    const cause = sys(code);
    const e = connectErrorFromNode(cause, '10.9.8.7:4321');
    expect(e.type).toBe(type);
    expect(e.message).toContain('10.9.8.7:4321');
    expect('code' in e && e.code).toBe(code);
    expect(e.cause).toBe(cause);
  });

  it('an error without a code is io, with no code field', () => {
    const e = connectErrorFromNode(new Error('weird'), 'x:1');
    expect(e.type).toBe('io');
    expect('code' in e).toBe(false);
    expect(e.message).toContain('weird');
  });
});

describe('listenErrorFromNode', () => {
  const table: [string, string][] = [
    ['EADDRINUSE', 'in-use'],
    ['EACCES', 'permission'],
    ['EPERM', 'permission'],
    ['ENOENT', 'not-found'],
    ['ENOTDIR', 'not-found'],
    ['ENOTFOUND', 'not-found'],
    ['EAI_NONAME', 'not-found'],
    ['EADDRNOTAVAIL', 'not-found'],
    ['ECONNREFUSED', 'io'],
    ['EINVAL', 'io'],
  ];
  it.each(table)('%s → %s, naming the address, keeping code and cause', (code, type) => {
    const cause = sys(code);
    const e = listenErrorFromNode(cause, '/run/app.sock');
    expect(e.type).toBe(type);
    expect(e.message).toContain('/run/app.sock');
    expect('code' in e && e.code).toBe(code);
    expect(e.cause).toBe(cause);
  });
});

describe("Deno's permission errors (thrown without a code)", () => {
  // What Deno's node:net throws without --allow-net: Deno 2 `NotCapable`,
  // Deno 1 `PermissionDenied` (a class named so, no errno code).
  const denoError = (name: string): Error => {
    const e = new Error('Requires net access to "127.0.0.1:0", run again with the --allow-net flag');
    e.name = name;
    return e;
  };
  it.each(['NotCapable', 'PermissionDenied'])('%s → permission, for listen and connect', (name) => {
    const cause = denoError(name);
    const l = listenErrorFromNode(cause, '127.0.0.1:0');
    expect(l.type).toBe('permission');
    expect(l.message).toContain('127.0.0.1:0');
    expect(l.cause).toBe(cause);
    expect('code' in l).toBe(false);
    expect(connectErrorFromNode(cause, '127.0.0.1:80').type).toBe('permission');
  });
  it('another error of the same shape stays io', () => {
    expect(listenErrorFromNode(denoError('TypeError'), 'x').type).toBe('io');
  });
});

describe('flowErrorFromNode', () => {
  const table: [string, string][] = [
    ['ECONNRESET', 'reset'],
    ['EPIPE', 'reset'],
    ['ETIMEDOUT', 'timeout'],
    ['EIO', 'io'],
  ];
  it.each(table)('%s → %s', (code, type) => {
    const e = flowErrorFromNode(sys(code), '[::1]:80');
    expect(e.type).toBe(type);
    expect(e.code).toBe(code);
    expect(e.message).toContain('[::1]:80');
  });
});
