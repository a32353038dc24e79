import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { main, parseAddress, parseCommandLine } from '../src/index.js';

/**
 * The hostile sweep of flowcat's argument parser (issue 13 §3): whatever the
 * strings, `parseCommandLine` returns a result (a config, text to print, or
 * a one-line usage error); a value that is not an array of strings is a
 * TypeError naming `argv`, thrown at the call. Never another exception.
 */

const FLAGS = [
  '--ca',
  '--cert',
  '--key',
  '--servername',
  '--alpn',
  '--timeout',
  '--progress',
  '--insecure',
  '--keep-listening',
  '-v',
  '--verbose',
  '-h',
];

const hostileText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom(
    '',
    '\0',
    'a\0b',
    'tcp:h\0:1',
    'unix:@',
    'unix:\0',
    '1e309',
    '99999999999999999999',
    '-0',
    'NaN',
    'Infinity',
    '0x10',
    ' 5',
    '5 ',
    '\n',
    'tcp:[::1]:65536',
    'tcp-listen:-1',
    '--progress=',
    '--progress=always',
    '--timeout=0.0000001',
    '--',
    '-',
    'x'.repeat(10_000),
    '__proto__',
    'constructor',
    'toString',
  ),
);

/** An argv of flags, flag values and addresses drawn from hostile pieces. */
const hostileArgv = fc.array(
  fc.oneof(
    hostileText,
    fc.constantFrom(...FLAGS),
    fc.tuple(fc.constantFrom(...FLAGS), hostileText).map(([f, v]) => `${f}=${v}`),
    fc.constantFrom('tcp:127.0.0.1:9', 'tcp-listen:0', 'tls:h:443', 'unix:/tmp/s', '-'),
  ),
  { maxLength: 8 },
);

/** The parser's contract on any argv of strings. */
function expectResult(argv: readonly string[]): void {
  const r = parseCommandLine(argv);
  if (r.ok) {
    expect(['run', 'print']).toContain(r.value.kind);
    return;
  }
  expect(r.error.type).toBe('usage');
  expect(typeof r.error.message).toBe('string');
  expect(r.error.message.length).toBeGreaterThan(0);
  // One line, printable: no newline, no NUL reaches the terminal.
  expect(r.error.message).not.toMatch(/[\n\0]/);
}

describe('parseCommandLine against hostile arguments', () => {
  it('any array of strings gives a result; a usage error is one printable line (property)', () => {
    let runs = 0;
    fc.assert(
      fc.property(hostileArgv, (argv) => {
        runs += 1;
        expectResult(argv);
      }),
      { numRuns: 400 },
    );
    expect(runs).toBe(400);
  });

  it('each flag with each hostile value: a result, never an exception (property)', () => {
    let runs = 0;
    fc.assert(
      fc.property(fc.constantFrom(...FLAGS), hostileText, fc.boolean(), (flag, value, joined) => {
        runs += 1;
        const argv = joined ? [`${flag}=${value}`, 'tls:h:443'] : [flag, value, 'tls:h:443'];
        expectResult(argv);
      }),
      { numRuns: 300 },
    );
    expect(runs).toBe(300);
  });

  it('an argv that is not an array of strings is a TypeError naming argv, at the call', () => {
    const throwing = new Proxy([], {
      get() {
        throw new Error('trap');
      },
    });
    const getter = Object.defineProperty(['tcp:h:1'], 0, {
      get() {
        throw new Error('getter');
      },
    });
    for (const bad of [
      undefined,
      null,
      'tcp:h:1',
      42,
      {},
      [1],
      ['tcp:h:1', null],
      [Symbol('s')],
      [{ toString: () => 'tcp:h:1' }],
      throwing,
      getter,
    ]) {
      expect(() => parseCommandLine(bad as never), String(typeof bad)).toThrow(TypeError);
      expect(() => parseCommandLine(bad as never)).toThrow(/parseCommandLine: argv/);
      // main throws at the call too: no promise, so nothing to reject later.
      expect(() => main(bad as never, process)).toThrow(/main: argv must be an array of strings/);
    }
  });

  it('parseAddress: any string gives a result; a non-string is a TypeError naming text', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const r = parseAddress(text);
        if (!r.ok) expect(r.error.message).not.toMatch(/[\n\0]/);
      }),
      { numRuns: 300 },
    );
    for (const bad of [undefined, null, 80, {}, ['tcp:h:1']]) {
      expect(() => parseAddress(bad as never)).toThrow(/parseAddress: text must be a string/);
    }
  });
});

describe('Object.prototype pollution changes nothing in the parser', () => {
  const names = [
    'ca',
    'cert',
    'key',
    'servername',
    'alpn',
    'insecure',
    'progress',
    'timeout',
    'keepListening',
    'verbose',
    'help',
  ];
  const values: unknown[] = ['x.pem', true, 'always', '0.5', ['h2']];

  for (const name of names) {
    it(`Object.prototype.${name}`, () => {
      const plain = parseCommandLine(['tcp:127.0.0.1:9']);
      const plainTls = parseCommandLine(['tls:h:443']);
      const proto = Object.prototype as Record<string, unknown>;
      for (const value of values) {
        proto[name] = value;
        try {
          expect(parseCommandLine(['tcp:127.0.0.1:9']), `${name}=${String(value)}`).toEqual(plain);
          expect(parseCommandLine(['tls:h:443']), `${name}=${String(value)}`).toEqual(plainTls);
        } finally {
          delete proto[name];
        }
      }
    });
  }
});
