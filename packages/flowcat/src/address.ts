import type { Result } from '@flowkit/flow-types';
import { show } from '@flowkit/kernel';
import { printable } from './printable.js';

/**
 * A flowcat address, parsed. `kind` says what to do: dial (`tcp`, `unix`,
 * `tls`), accept one connection (`*-listen`), or use standard input and
 * output (`stdio`, written `-`).
 */
export type Address =
  | { readonly kind: 'stdio' }
  | { readonly kind: 'tcp' | 'tls'; readonly host: string; readonly port: number }
  | { readonly kind: 'tcp-listen' | 'tls-listen'; readonly host: string | undefined; readonly port: number }
  | { readonly kind: 'unix' | 'unix-listen'; readonly path: string }
  | { readonly kind: 'ws' | 'wss'; readonly url: string }
  | {
      readonly kind: 'ws-listen' | 'wss-listen';
      readonly host: string | undefined;
      readonly port: number;
      /** The only request path upgraded, or `undefined` for every path. */
      readonly path: string | undefined;
    };

/** Why {@link parseAddress} refused a string. `message` is one line naming it. */
export interface AddressError {
  readonly type: 'invalid-address';
  /** The text as given. */
  readonly address: string;
  readonly message: string;
}

/** The forms {@link parseAddress} accepts, for help and error messages. */
export const ADDRESS_FORMS: readonly string[] = [
  'tcp:HOST:PORT',
  'tcp-listen:[HOST:]PORT',
  'unix:PATH',
  'unix-listen:PATH',
  'tls:HOST:PORT',
  'tls-listen:[HOST:]PORT',
  'ws://HOST[:PORT][/PATH]',
  'wss://HOST[:PORT][/PATH]',
  'ws-listen:[HOST:]PORT[/PATH]',
  'wss-listen:[HOST:]PORT[/PATH]',
  '-',
];

/** A `ws:`/`wss:` URL, checked; its normalised form or why it is refused. */
function webSocketUrl(text: string): string | { why: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { why: 'not a URL; write ws://HOST[:PORT][/PATH]' };
  }
  if (url.hostname === '') return { why: 'missing host' };
  if (url.username !== '' || url.password !== '') return { why: 'credentials in the URL are not supported' };
  if (url.hash !== '') return { why: 'a WebSocket URL has no #fragment' };
  return url.href;
}

/** Splits `[HOST:]PORT[/PATH]` for the WebSocket listeners. */
function listenPath(rest: string): { hostPort: string; path: string | undefined } | { why: string } {
  const slash = rest.indexOf('/');
  if (slash < 0) return { hostPort: rest, path: undefined };
  const path = rest.slice(slash);
  if (/[\s?#]/.test(path)) return { why: 'the path cannot hold white space, "?" or "#"' };
  return { hostPort: rest.slice(0, slash), path };
}

function fail(address: string, why: string): Result<never, AddressError> {
  return {
    ok: false,
    error: { type: 'invalid-address', address, message: `invalid address "${printable(address)}": ${why}` },
  };
}

function parsePort(text: string, allowZero: boolean): number | string {
  if (!/^\d{1,5}$/.test(text)) return `port must be a number, got "${text}"`;
  const port = Number(text);
  const min = allowZero ? 0 : 1;
  if (port < min || port > 65_535) return `port must be ${min}–65535, got ${port}`;
  return port;
}

/**
 * Splits `HOST:PORT`, where an IPv6 host is written in brackets
 * (`[::1]:8080`). With `hostOptional`, a bare `PORT` is accepted too.
 */
function hostPort(
  rest: string,
  hostOptional: boolean,
  listen: boolean,
): { host: string | undefined; port: number } | string {
  let host: string | undefined;
  let portText: string;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return 'missing "]" after the IPv6 host';
    host = rest.slice(1, close);
    if (host === '') return 'empty host in brackets';
    if (rest[close + 1] !== ':') return 'expected ":PORT" after the bracketed host';
    portText = rest.slice(close + 2);
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon < 0) {
      if (!hostOptional) return 'expected HOST:PORT';
      portText = rest;
    } else {
      host = rest.slice(0, colon);
      portText = rest.slice(colon + 1);
      if (host.includes(':')) return 'write an IPv6 host in brackets, e.g. [::1]:8080';
      if (host === '') return 'empty host before ":PORT"';
    }
  }
  if (portText === '') return 'missing port';
  const port = parsePort(portText, listen);
  if (typeof port === 'string') return port;
  return { host, port };
}

/**
 * Parses one flowcat address. Pure: no I/O, no DNS. The scheme is
 * case-insensitive; everything after it is kept as written.
 *
 * - `tcp:HOST:PORT`, `tls:HOST:PORT`: dial; PORT 1–65535; IPv6 as `[::1]`.
 * - `tcp-listen:[HOST:]PORT`, `tls-listen:[HOST:]PORT`: accept; PORT 0–65535
 *   (0 lets the OS pick); HOST defaults to loopback (see the README).
 * - `unix:PATH`, `unix-listen:PATH`: a socket path (colons allowed);
 *   `@NAME` is a Linux abstract name, and NAME must not be empty.
 * - `ws://HOST[:PORT][/PATH]`, `wss://…`: dial a WebSocket (a URL).
 * - `ws-listen:[HOST:]PORT[/PATH]`, `wss-listen:…`: accept WebSocket
 *   connections (on PATH only, when given).
 * - `-`: standard input and output.
 *
 * Returns `{ type: 'invalid-address' }` with a one-line message naming the
 * address (control characters escaped) and the reason. A `text` that is not
 * a string is a programming error: a `TypeError` naming it.
 */
export function parseAddress(text: string): Result<Address, AddressError> {
  if (typeof text !== 'string') throw new TypeError(`parseAddress: text must be a string, got ${show(text)}`);
  if (text === '-') return { ok: true, value: { kind: 'stdio' } };
  const colon = text.indexOf(':');
  if (colon < 0) return fail(text, `expected one of ${ADDRESS_FORMS.join(', ')}`);
  const scheme = text.slice(0, colon).toLowerCase();
  const rest = text.slice(colon + 1);
  switch (scheme) {
    case 'tcp':
    case 'tls': {
      if (rest.includes('\0')) return fail(text, 'a host cannot contain a NUL byte');
      const hp = hostPort(rest, false, false);
      if (typeof hp === 'string') return fail(text, hp);
      return { ok: true, value: { kind: scheme, host: hp.host!, port: hp.port } };
    }
    case 'tcp-listen':
    case 'tls-listen': {
      if (rest.includes('\0')) return fail(text, 'a host cannot contain a NUL byte');
      const hp = hostPort(rest, true, true);
      if (typeof hp === 'string') return fail(text, hp);
      return { ok: true, value: { kind: scheme, host: hp.host, port: hp.port } };
    }
    case 'ws':
    case 'wss': {
      if (!rest.startsWith('//')) return fail(text, `write ${scheme}://HOST[:PORT][/PATH]`);
      const url = webSocketUrl(text);
      if (typeof url !== 'string') return fail(text, url.why);
      return { ok: true, value: { kind: scheme, url } };
    }
    case 'ws-listen':
    case 'wss-listen': {
      const split = listenPath(rest);
      if ('why' in split) return fail(text, split.why);
      const hp = hostPort(split.hostPort, true, true);
      if (typeof hp === 'string') return fail(text, hp);
      return { ok: true, value: { kind: scheme, host: hp.host, port: hp.port, path: split.path } };
    }
    case 'unix':
    case 'unix-listen':
      if (rest === '') return fail(text, 'empty socket path');
      if (rest === '@') return fail(text, 'empty abstract socket name after "@"');
      if (rest.includes('\0')) return fail(text, 'a socket path cannot contain a NUL byte');
      return { ok: true, value: { kind: scheme, path: rest } };
    default:
      return fail(text, `unknown kind "${scheme}"; expected one of ${ADDRESS_FORMS.join(', ')}`);
  }
}

/** Writes an address back in the form {@link parseAddress} reads. */
export function formatAddress(address: Address): string {
  switch (address.kind) {
    case 'stdio':
      return '-';
    case 'unix':
    case 'unix-listen':
      return `${address.kind}:${address.path}`;
    case 'ws':
    case 'wss':
      return address.url;
    case 'ws-listen':
    case 'wss-listen': {
      const host =
        address.host === undefined
          ? ''
          : `${address.host.includes(':') ? `[${address.host}]` : address.host}:`;
      return `${address.kind}:${host}${address.port}${address.path ?? ''}`;
    }
    default: {
      if (address.host === undefined) return `${address.kind}:${address.port}`;
      const host = address.host.includes(':') ? `[${address.host}]` : address.host;
      return `${address.kind}:${host}:${address.port}`;
    }
  }
}
