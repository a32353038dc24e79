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
export type { PeerCertificate } from './tls-flow.js';
export { TlsFlow } from './tls-flow.js';
export { wrapClient, wrapServer } from './wrap.js';
