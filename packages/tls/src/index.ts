export type { TlsConnectOptions } from './connect.js';
export { connect } from './connect.js';
export type { TlsListenOptions } from './listen.js';
export { listen, TlsListener } from './listen.js';
export type {
  PemInput,
  TlsClientOptions,
  TlsCommonOptions,
  TlsServerOptions,
  TlsVersion,
} from './options.js';
export type { PeerCertificate } from './wrap.js';
export { TlsFlow, wrapClient, wrapServer } from './wrap.js';
