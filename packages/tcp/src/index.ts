export type { TcpAddress, TcpFlow } from './address.js';
export { formatTcpAddress } from './address.js';
export { connect } from './connect.js';
export type { TcpListener } from './listen.js';
export { listen } from './listen.js';
export type { TcpConnectOptions, TcpListenOptions, TcpSocketOptions } from './options.js';
export {
  checkTcpConnectOptions,
  checkTcpListenOptions,
  readTcpConnectOptions,
  readTcpListenOptions,
} from './options.js';
