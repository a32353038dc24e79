export type {
  PemInput,
  TlsClientOptions,
  TlsCommonOptions,
  TlsServerOptions,
  TlsVersion,
} from './options.js';
export type { PeerCertificate } from './wrap.js';
export { TlsFlow, wrapClient, wrapServer } from './wrap.js';
