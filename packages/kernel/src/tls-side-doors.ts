import { refused } from './option-readers.js';

/**
 * Node TLS options that would weaken verification through a side door,
 * refused by name wherever flowkit reads TLS options (`@flowkit/tls`, `wss:`
 * in `@flowkit/websocket`), whatever else is given. Spread it into an option
 * table. Only own properties count, like every option, so one set on
 * `Object.prototype` is never seen.
 */
export const tlsSideDoors = {
  rejectUnauthorized: refused('verification is always on; use dangerouslyDisableVerification in tests'),
  checkServerIdentity: refused('the host name is always checked against servername or the host dialed'),
  secureContext: refused('pass ca, cert and key'),
  ciphers: refused('Node’s default cipher list is used'),
  secureProtocol: refused('use minVersion and maxVersion'),
  pskCallback: refused('pre-shared keys are not supported'),
} as const;
