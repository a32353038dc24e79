import type { SocketFlow } from '@flowkit/node-duplex';

/** A unix socket address: a filesystem `path`, or a Linux abstract `name`. */
export type UnixAddress = { readonly path: string } | { readonly name: string };

/**
 * A unix socket flow: a {@link SocketFlow} whose addresses are
 * {@link UnixAddress}es. The side that did not bind has no name, so a
 * dialer's `localAddress` and an acceptor's `remoteAddress` are `undefined`.
 */
export type UnixFlow = SocketFlow<UnixAddress | undefined>;

/** The string node:net takes: the path, or `'\0' + name` for an abstract name. */
export function netPath(address: UnixAddress): string {
  return 'path' in address ? address.path : `\0${address.name}`;
}

/** How error messages name the address: the path, or `@name` (as `ss` shows abstract names). */
export function formatUnixAddress(address: UnixAddress): string {
  return 'path' in address ? address.path : `@${address.name}`;
}
