import { describe, expect, it } from 'vitest';
import { closedError, EOF, err, formatError, formatWriteError, ok } from '../src/index.js';

describe('results', () => {
  it('ok() without a value is one shared frozen object', () => {
    expect(ok()).toBe(ok());
    expect(Object.isFrozen(ok())).toBe(true);
    expect(ok(3)).toEqual({ ok: true, value: 3 });
  });
  it('the shared ok() is a success a caller can branch on', () => {
    const r = ok();
    expect(r.ok).toBe(true);
    expect(Object.keys(r).sort()).toEqual(['ok', 'value']);
    expect(r.value).toBeUndefined();
  });
  it('err wraps an error', () => {
    expect(err('x')).toEqual({ ok: false, error: 'x' });
  });
  it('EOF is the registered symbol, so copies of the package agree', () => {
    expect(EOF).toBe(Symbol.for('@flowkit/eof'));
  });
});

describe('formatters', () => {
  it('make one line with type, message and code', () => {
    const s = formatError({
      type: 'reset',
      message: 'connection reset\n by 127.0.0.1:80',
      code: 'ECONNRESET',
    });
    expect(s).toBe('reset: connection reset by 127.0.0.1:80 (ECONNRESET)');
    expect(s).not.toContain('\n');
  });
  it('fold a line break with no space around it, and trim the ends', () => {
    expect(formatError({ type: 'io', message: '\nread failed\nat offset 7\n', code: 'EIO' })).toBe(
      'io: read failed at offset 7 (EIO)',
    );
  });
  it('do not repeat a code the message already has', () => {
    expect(formatError({ type: 'refused', message: 'ECONNREFUSED 127.0.0.1:1', code: 'ECONNREFUSED' })).toBe(
      'refused: ECONNREFUSED 127.0.0.1:1',
    );
  });
  it('format write errors', () => {
    expect(formatWriteError(closedError())).toBe('closed: flow is closed');
    expect(formatWriteError({ type: 'io', message: 'disk on fire' })).toBe('io: disk on fire');
  });
  it('keep the cause on closed errors when given', () => {
    const cause = new Error('x');
    expect(closedError('gone', cause)).toEqual({ type: 'closed', message: 'gone', cause });
    expect('cause' in closedError()).toBe(false);
  });
});
