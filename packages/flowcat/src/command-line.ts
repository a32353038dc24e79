import type { Result } from '@flowkit/flow-types';
import { show } from '@flowkit/kernel';
import { Command, CommanderError, Option } from 'commander';
import { type Address, formatAddress, parseAddress } from './address.js';
import { printable } from './printable.js';

/** When `--progress` draws: on a terminal only, always, or never. */
export type ProgressMode = 'auto' | 'always' | 'never';

/** TLS settings from the command line. File options hold paths, read later. */
export interface TlsFlags {
  /** `--ca FILE`: trust these CA certificates (client), or require client certificates signed by them (server). */
  readonly ca: string | undefined;
  /** `--cert FILE`: this end's certificate chain (server identity, or client certificate). */
  readonly cert: string | undefined;
  /** `--key FILE`: the private key for `--cert`. */
  readonly key: string | undefined;
  /** `--servername NAME`: the name the server's certificate must carry (and SNI). */
  readonly servername: string | undefined;
  /** `--alpn a,b`: ALPN protocols to offer (client) or accept (server). */
  readonly alpn: readonly string[] | undefined;
  /** `--insecure`: do not verify the server's certificate. */
  readonly insecure: boolean;
}

/** A checked command line. */
export interface Config {
  /** One address (relayed with stdio) or two (relayed with each other). */
  readonly addresses: readonly [Address] | readonly [Address, Address];
  readonly tls: TlsFlags;
  readonly progress: ProgressMode;
  /** `--timeout`: idle timeout in seconds; also bounds each connect. */
  readonly timeoutSeconds: number | undefined;
  /** `--keep-listening`: serve one connection after another on a `*-listen` address. */
  readonly keepListening: boolean;
  /** `-v`: say what is happening on stderr. */
  readonly verbose: boolean;
}

/** What {@link parseCommandLine} found: a config to run, or text to print and exit 0. */
export type CommandLine =
  | { readonly kind: 'run'; readonly config: Config }
  | { readonly kind: 'print'; readonly text: string };

/** A bad command line; `message` is one line. flowcat exits with 2. */
export interface UsageError {
  readonly type: 'usage';
  readonly message: string;
}

const EXAMPLES = `
Addresses:
  tcp:HOST:PORT            dial TCP (IPv6: tcp:[::1]:PORT)
  tcp-listen:[HOST:]PORT   accept one TCP connection (HOST defaults to 127.0.0.1)
  unix:PATH                dial a unix socket
  unix-listen:PATH         accept one connection on a unix socket
  tls:HOST:PORT            dial TLS (the certificate is verified)
  tls-listen:[HOST:]PORT   accept one TLS connection (needs --cert and --key)
  ws://HOST[:PORT][/PATH]  dial a WebSocket (wss:// is verified like tls:)
  ws-listen:[HOST:]PORT[/PATH]   accept one WebSocket connection
  wss-listen:[HOST:]PORT[/PATH]  the same over TLS (needs --cert and --key)
  -                        standard input and output

With one address, flowcat connects it to stdin/stdout (like nc); with two,
it relays between them (like socat). An end-of-stream on one side is passed
on as a half-close, and flowcat exits when both directions have ended.

Examples:
  flowcat tcp:example.org:80                      talk to a server from the terminal
  flowcat tcp-listen:9000 > received.bin          receive one file
  flowcat tcp:127.0.0.1:9000 < file.bin           send it
  flowcat tcp-listen:8080 unix:/run/app.sock      expose a unix socket on TCP
  flowcat tls:example.org:443 --alpn http/1.1     speak TLS, verified
  flowcat --cert c.pem --key k.pem tls-listen:8443 tcp:127.0.0.1:8080
                                                  terminate TLS in front of a TCP service

Exit status:
  0 success, 1 internal error (a bug in flowcat), 2 usage error,
  3 could not connect/listen/accept, 4 a peer failed mid-relay,
  5 idle timeout, 130 interrupted
`;

function buildCommand(): Command {
  return new Command('flowcat')
    .description('netcat and socat for flowkit flows: relay tcp, unix, tls and stdio with half-close')
    .argument('<address>', 'first address (or "-" for stdio)')
    .argument('[address2]', 'second address; without it, the first is relayed with stdio')
    .option(
      '--ca <file>',
      'PEM CA certificates to trust (tls:) or to verify client certificates with (tls-listen:)',
    )
    .option(
      '--cert <file>',
      'PEM certificate chain: the server identity (tls-listen:) or a client certificate (tls:)',
    )
    .option('--key <file>', 'PEM private key for --cert')
    .option('--servername <name>', 'name the server certificate must carry, sent as SNI (default: the host)')
    .option('--alpn <protocols>', 'comma-separated ALPN protocols, e.g. h2,http/1.1')
    .option('--insecure', 'do NOT verify the TLS server certificate (prints a warning)', false)
    .addOption(
      new Option('--progress [when]', 'show bytes and rate on stderr: auto (terminal only), always, never')
        .choices(['auto', 'always', 'never'])
        .preset('auto'),
    )
    .option(
      '--timeout <seconds>',
      'idle timeout: give up when nothing moves for this long; also bounds connects',
    )
    .option('--keep-listening', 'on a *-listen address, serve one connection after another', false)
    .option('-v, --verbose', 'say what is happening on stderr', false)
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', EXAMPLES)
    .showSuggestionAfterError(true)
    .allowExcessArguments(false);
}

function usage(message: string): Result<never, UsageError> {
  return { ok: false, error: { type: 'usage', message: printable(message) } };
}

/** The option values commander set, as a null-prototype copy of its own properties. */
function ownOptions<T>(command: Command): T {
  return Object.assign(Object.create(null), command.opts()) as T;
}

/**
 * Copies `argv` after checking it is an array of strings; a TypeError naming
 * `method` and `argv` otherwise (a programming error, at the call). @internal
 */
export function checkArgv(argv: unknown, method = 'parseCommandLine'): string[] {
  const fail = (why: string): never => {
    throw new TypeError(`${method}: argv must be an array of strings; ${why}`);
  };
  try {
    if (!Array.isArray(argv)) return fail(`got ${show(argv)}`);
    const copy: string[] = [];
    for (let i = 0; i < argv.length; i++) {
      const a: unknown = argv[i];
      if (typeof a !== 'string') return fail(`argv[${i}] is ${show(a)}`);
      copy.push(a);
    }
    return copy;
  } catch (e) {
    if (e instanceof TypeError && e.message.startsWith(`${method}:`)) throw e;
    return fail('reading it threw');
  }
}

/**
 * Parses flowcat's arguments (without `node` and the script). Pure: files
 * named by `--ca`/`--cert`/`--key` are not read here. Any array of strings
 * gives a result (a usage error is one printable line); anything else is a
 * `TypeError` naming `argv`, thrown at the call.
 *
 * A bare `--progress` never takes the next argument as its value (it would
 * swallow an address); write `--progress=always` to force it.
 */
export function parseCommandLine(argv: readonly string[]): Result<CommandLine, UsageError> {
  const strings = checkArgv(argv);
  const nul = strings.findIndex((a) => a.includes('\0'));
  // A process cannot receive one (argv is C strings); a library caller can.
  if (nul >= 0) return usage(`argument ${nul + 1} ("${strings[nul]}") contains a NUL byte`);
  let printed = '';
  let errorText = '';
  const command = buildCommand()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => {
        printed += s;
      },
      writeErr: (s) => {
        errorText += s;
      },
      outputError: (s) => {
        errorText += s;
      },
    });
  const args = strings.map((a) => (a === '--progress' ? '--progress=auto' : a));
  try {
    command.parse(args, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') {
        return { ok: true, value: { kind: 'print', text: printed } };
      }
      const line = (errorText || e.message)
        .trim()
        .split('\n')[0]!
        .replace(/^error: /, '');
      return usage(`${line} (see flowcat --help)`);
    }
    throw e;
  }

  // Own properties only: commander keeps option values in a plain object, so
  // an option never given would otherwise be read from a polluted
  // Object.prototype (`Object.prototype.ca = 'x'` made every tcp: line a
  // usage error).
  const opts = ownOptions<{
    ca?: string;
    cert?: string;
    key?: string;
    servername?: string;
    alpn?: string;
    insecure: boolean;
    progress?: 'auto' | 'always' | 'never';
    timeout?: string;
    keepListening: boolean;
    verbose: boolean;
  }>(command);

  const addresses: Address[] = [];
  for (const text of command.args) {
    const parsed = parseAddress(text);
    if (!parsed.ok) return usage(parsed.error.message);
    addresses.push(parsed.value);
  }
  const [first, second] = addresses;
  if (first === undefined) return usage('missing address (see flowcat --help)');
  const stdioCount = addresses.filter((a) => a.kind === 'stdio').length;
  if (second === undefined && first.kind === 'stdio') {
    return usage('"-" alone would relay stdio with itself; give a network address');
  }
  if (stdioCount === 2) return usage('"-" can be used only once');

  let timeoutSeconds: number | undefined;
  if (opts.timeout !== undefined) {
    timeoutSeconds = Number(opts.timeout);
    if (!/^\d+(\.\d+)?$/.test(opts.timeout) || !(timeoutSeconds > 0) || timeoutSeconds > 2_147_483) {
      return usage(`--timeout must be a positive number of seconds, got "${opts.timeout}"`);
    }
  }

  const all = second === undefined ? [first] : [first, second];
  const kinds = new Set(all.map((a) => a.kind));
  const isSecure = ['tls', 'tls-listen', 'wss', 'wss-listen'].some((k) => kinds.has(k as Address['kind']));
  for (const flag of ['ca', 'cert', 'key', 'servername'] as const) {
    if (opts[flag] !== undefined && !isSecure) {
      return usage(`--${flag} needs a tls:, tls-listen:, wss: or wss-listen: address`);
    }
  }
  // A WebSocket always speaks http/1.1 under its TLS: ALPN is for tls: only.
  if (opts.alpn !== undefined && !kinds.has('tls') && !kinds.has('tls-listen')) {
    return usage('--alpn needs a tls: or tls-listen: address');
  }
  if (opts.insecure && !kinds.has('tls') && !kinds.has('wss')) {
    return usage('--insecure needs a tls: or wss: address');
  }
  if ((opts.cert === undefined) !== (opts.key === undefined)) {
    return usage('--cert and --key go together: give both or neither');
  }
  const secureListen = all.find((a) => a.kind === 'tls-listen' || a.kind === 'wss-listen');
  if (secureListen !== undefined && opts.cert === undefined) {
    return usage(`${formatAddress(secureListen)} needs --cert and --key (the server's certificate and key)`);
  }
  let alpn: string[] | undefined;
  if (opts.alpn !== undefined) {
    alpn = opts.alpn.split(',').map((p) => p.trim());
    if (alpn.some((p) => p === '' || p.length > 255)) {
      return usage(`--alpn must be a comma-separated list of protocol names, got "${opts.alpn}"`);
    }
  }
  if (opts.keepListening) {
    const listening = all.some((a) => a.kind.endsWith('-listen'));
    if (!listening) return usage('--keep-listening needs a *-listen: address');
    if (stdioCount > 0 || second === undefined) {
      return usage('--keep-listening needs two addresses: stdin can be relayed only once');
    }
  }

  return {
    ok: true,
    value: {
      kind: 'run',
      config: {
        addresses: second === undefined ? [first] : [first, second],
        tls: {
          ca: opts.ca,
          cert: opts.cert,
          key: opts.key,
          servername: opts.servername,
          alpn,
          insecure: opts.insecure,
        },
        progress: opts.progress ?? 'never',
        timeoutSeconds,
        keepListening: opts.keepListening,
        verbose: opts.verbose,
      },
    },
  };
}
