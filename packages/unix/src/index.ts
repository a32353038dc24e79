export type { UnixAddress, UnixFlow } from './address.js';
export { formatUnixAddress } from './address.js';
export { connect } from './connect.js';
export type { UnixListener } from './listen.js';
export { listen } from './listen.js';
export type { UnixConnectOptions, UnixListenOptions, UnixTarget } from './options.js';
export { MAX_PATH_BYTES } from './options.js';
