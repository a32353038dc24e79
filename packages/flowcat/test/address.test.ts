import { describe, expect, it } from 'vitest';
import { formatAddress, parseAddress, parseCommandLine } from '../src/index.js';

describe('parseAddress', () => {
  it.each([
    ['-', { kind: 'stdio' }],
    ['tcp:example.org:80', { kind: 'tcp', host: 'example.org', port: 80 }],
    ['TCP:127.0.0.1:65535', { kind: 'tcp', host: '127.0.0.1', port: 65535 }],
    ['tcp:[::1]:8080', { kind: 'tcp', host: '::1', port: 8080 }],
    ['tcp-listen:0', { kind: 'tcp-listen', host: undefined, port: 0 }],
    ['tcp-listen:[::]:9000', { kind: 'tcp-listen', host: '::', port: 9000 }],
    ['tcp-listen:0.0.0.0:9000', { kind: 'tcp-listen', host: '0.0.0.0', port: 9000 }],
    ['tls:localhost:443', { kind: 'tls', host: 'localhost', port: 443 }],
    ['tls-listen:8443', { kind: 'tls-listen', host: undefined, port: 8443 }],
    ['unix:/run/a:b.sock', { kind: 'unix', path: '/run/a:b.sock' }],
    ['unix-listen:rel.sock', { kind: 'unix-listen', path: 'rel.sock' }],
    ['unix:@abstract', { kind: 'unix', path: '@abstract' }],
    ['ws://127.0.0.1:8080/flows', { kind: 'ws', url: 'ws://127.0.0.1:8080/flows' }],
    ['WSS://Example.org/a?b=1', { kind: 'wss', url: 'wss://example.org/a?b=1' }],
    ['ws://[::1]:9/', { kind: 'ws', url: 'ws://[::1]:9/' }],
    ['ws-listen:0', { kind: 'ws-listen', host: undefined, port: 0, path: undefined }],
    ['ws-listen:[::1]:8080/flows', { kind: 'ws-listen', host: '::1', port: 8080, path: '/flows' }],
    ['wss-listen:0.0.0.0:443/', { kind: 'wss-listen', host: '0.0.0.0', port: 443, path: '/' }],
  ])('%s', (text, expected) => {
    const r = parseAddress(text);
    expect(r).toEqual({ ok: true, value: expected });
    if (r.ok) expect(parseAddress(formatAddress(r.value))).toEqual(r);
  });

  it.each([
    ['tcp:host', /expected HOST:PORT/],
    ['tcp:host:', /missing port/],
    ['tcp::80', /empty host/],
    ['tcp:host:0', /port must be 1–65535/],
    ['tcp:host:65536', /port must be 1–65535/],
    ['tcp:host:80x', /port must be a number/],
    ['tcp:::1:80', /brackets/],
    ['tcp:[::1:80', /missing "\]"/],
    ['tcp:[::1]80', /expected ":PORT"/],
    ['tcp-listen:70000', /0–65535/],
    ['unix:', /empty socket path/],
    ['unix:@', /empty abstract socket name/],
    ['unix-listen:@', /empty abstract socket name/],
    ['unix:/tmp/a\0b', /NUL/],
    ['tcp:h\0st:80', /NUL/],
    ['tcp-listen:h\0:80', /NUL/],
    ['udp:host:53', /unknown kind "udp"/],
    ['ws:127.0.0.1:80', /write ws:\/\/HOST/],
    ['ws://', /not a URL|missing host/],
    ['ws://user:pw@h/', /credentials/],
    ['wss://h/#frag', /fragment/],
    ['ws-listen:80/a b', /white space/],
    ['ws-listen:70000', /0–65535/],
    ['localhost', /expected one of/],
  ])('rejects %s with one line naming it', (text, why) => {
    const r = parseAddress(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.type).toBe('invalid-address');
    // The address is shown on one line, control characters escaped.
    expect(r.error.message).toContain(`"${text.replaceAll('\0', '\\x00')}"`);
    expect(r.error.message).not.toContain('\0');
    expect(r.error.message).toMatch(why);
    expect(r.error.message).not.toContain('\n');
  });
});

describe('parseCommandLine', () => {
  const run = (...argv: string[]) => {
    const r = parseCommandLine(argv);
    if (!r.ok || r.value.kind !== 'run') throw new Error(`expected a config, got ${JSON.stringify(r)}`);
    return r.value.config;
  };
  const usage = (...argv: string[]) => {
    const r = parseCommandLine(argv);
    if (r.ok) throw new Error(`expected a usage error for ${argv.join(' ')}`);
    expect(r.error.message).not.toContain('\n');
    return r.error.message;
  };

  it('one address is relayed with stdio; two with each other', () => {
    expect(run('tcp:h:1').addresses).toEqual([{ kind: 'tcp', host: 'h', port: 1 }]);
    expect(run('tcp-listen:1', 'unix:/s').addresses).toHaveLength(2);
    expect(usage('-')).toMatch(/stdio with itself/);
    expect(usage('-', '-')).toMatch(/only once/);
    expect(usage()).toMatch(/missing required argument/);
    expect(usage('tcp:h:1', 'tcp:h:2', 'tcp:h:3')).toMatch(/too many arguments/);
  });

  it('a bare --progress does not swallow the address; --progress=always forces it', () => {
    expect(run('--progress', 'tcp:h:1').progress).toBe('auto');
    expect(run('--progress=always', 'tcp:h:1').progress).toBe('always');
    expect(run('tcp:h:1').progress).toBe('never');
    expect(usage('--progress=sometimes', 'tcp:h:1')).toMatch(/sometimes/);
  });

  it('checks --timeout', () => {
    expect(run('--timeout', '2.5', 'tcp:h:1').timeoutSeconds).toBe(2.5);
    for (const bad of ['0', '-1', 'soon', '1e3']) {
      expect(usage('--timeout', bad, 'tcp:h:1')).toMatch(/--timeout must be a positive number of seconds/);
    }
  });

  it('checks TLS flags against the addresses', () => {
    expect(usage('--ca', 'x.pem', 'tcp:h:1')).toMatch(/--ca needs a tls/);
    expect(usage('--insecure', 'tls-listen:1', '-')).toMatch(/--insecure needs a tls: or wss: address/);
    expect(usage('--cert', 'c.pem', 'tls:h:1')).toMatch(/--cert and --key go together/);
    expect(usage('tls-listen:8443', 'tcp:h:1')).toMatch(/tls-listen:8443 needs --cert and --key/);
    expect(usage('--alpn', 'h2,,x', 'tls:h:1')).toMatch(/--alpn/);
    const c = run('--ca', 'ca.pem', '--servername', 'n', '--alpn', 'h2, http/1.1', '--insecure', 'tls:h:1');
    expect(c.tls).toEqual({
      ca: 'ca.pem',
      cert: undefined,
      key: undefined,
      servername: 'n',
      alpn: ['h2', 'http/1.1'],
      insecure: true,
    });
  });

  it('TLS flags go with wss: and wss-listen: too; --alpn stays with tls:', () => {
    expect(run('--ca', 'ca.pem', '--servername', 'n', '--insecure', 'wss://h/').tls.servername).toBe('n');
    expect(usage('wss-listen:0')).toMatch(/wss-listen:0 needs --cert and --key/);
    expect(run('--cert', 'c', '--key', 'k', 'wss-listen:0').addresses).toHaveLength(1);
    expect(usage('--alpn', 'h2', 'wss://h/')).toMatch(/--alpn needs a tls: or tls-listen: address/);
    expect(usage('--ca', 'ca.pem', 'ws://h/')).toMatch(/--ca needs a tls:, tls-listen:, wss: or wss-listen:/);
    expect(run('--keep-listening', 'ws-listen:0', 'tcp:h:1').keepListening).toBe(true);
  });

  it('--keep-listening needs a listener and two addresses', () => {
    expect(run('--keep-listening', 'tcp-listen:1', 'tcp:h:2').keepListening).toBe(true);
    expect(usage('--keep-listening', 'tcp:h:1', 'tcp:h:2')).toMatch(/needs a \*-listen: address/);
    expect(usage('--keep-listening', 'tcp-listen:1')).toMatch(/stdin can be relayed only once/);
  });

  it('unknown flags and bad addresses are usage errors', () => {
    expect(usage('--nope', 'tcp:h:1')).toMatch(/unknown option '--nope'/);
    expect(usage('tcp:h')).toMatch(/invalid address "tcp:h"/);
  });

  it('--help prints the address forms, examples and exit codes', () => {
    const r = parseCommandLine(['--help']);
    expect(r.ok && r.value.kind).toBe('print');
    if (!r.ok || r.value.kind !== 'print') return;
    expect(r.value.text).toContain('tcp-listen:[HOST:]PORT');
    expect(r.value.text).toContain('Examples:');
    // Every status flowcat can exit with, 1 included.
    for (const line of [
      /\b0 success\b/,
      /\b1 internal error\b/,
      /\b2 usage error\b/,
      /\b3 could not connect/,
      /\b4 a peer failed/,
      /\b5 idle timeout\b/,
      /\b130 interrupted\b/,
    ]) {
      expect(r.value.text).toMatch(line);
    }
  });
});
