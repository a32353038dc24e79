/**
 * The keys of the option objects flowkit hands to Node
 * (`createSecureContext`, `https.createServer`) and to `ws` (`new
 * WebSocket`), for `nodeOptions` of `@flowkit/socket` (the one builder of
 * such objects), so that a polluted `Object.prototype` cannot steer them.
 *
 * A null prototype is not enough on its own: `ws` (`initAsClient`), Node's
 * `http.ClientRequest` (`Object.assign({}, options)`), `tls.connect` and
 * `https.Server` (which hands `tls.Server` `{ ...opts }`) copy the object
 * into a plain one, and a key the copy lacks is then read from
 * `Object.prototype`. So every key one of them reads is also given as an own
 * property, `undefined` when unused: an own `undefined` survives each copy
 * and shadows the prototype. The lists were taken from Node 20's and ws 8's
 * sources and checked by a probe (a getter on `Object.prototype` for each
 * candidate name, recording reads during a wss: dial and accept). They leave
 * out the keys that Node or `ws` default before their spread (`ws`'s
 * `maxPayload`, `tls.connect`'s `ciphers` and `minDHSize`, `https.Server`'s
 * `noDelay` and `ALPNProtocols`…): those are own in every copy already, and
 * an own `undefined` would override the default.
 */

/** Every key `createSecureContext` reads (Node 20 `_tls_common`, `internal/tls/secure-context`). */
export const SECURE_CONTEXT_KEYS = [
  'allowPartialTrustChain',
  'ca',
  'cert',
  'ciphers',
  'clientCertEngine',
  'crl',
  'dhparam',
  'ecdhCurve',
  'honorCipherOrder',
  'key',
  'maxVersion',
  'minVersion',
  'passphrase',
  'pfx',
  'privateKeyEngine',
  'privateKeyIdentifier',
  'secureOptions',
  'secureProtocol',
  'sessionIdContext',
  'sessionTimeout',
  'sigalgs',
  'ticketKeys',
] as const;

/**
 * What `https.createServer` reads: `http`'s `storeHTTPOptions` (on the object
 * itself), then `tls.Server`, its `setSecureContext` and `net.Server` on a
 * `{ noDelay, ALPNProtocols, ...options }` copy. `ALPNProtocols` and
 * `noDelay` are in that copy's defaults, so the caller gives their values
 * (an own `undefined` would erase them).
 */
export const HTTPS_SERVER_KEYS = [
  ...SECURE_CONTEXT_KEYS,
  // tls.Server
  'ALPNCallback',
  'SNICallback',
  'enableTrace',
  'handshakeTimeout',
  'pskCallback',
  'pskIdentityHint',
  'rejectUnauthorized',
  'requestCert',
  // net.Server
  'allowHalfOpen',
  'highWaterMark',
  'keepAlive',
  'keepAliveInitialDelay',
  'pauseOnConnect',
  // http storeHTTPOptions
  'IncomingMessage',
  'ServerResponse',
  'connectionsCheckingInterval',
  'headersTimeout',
  'insecureHTTPParser',
  'joinDuplicateHeaders',
  'keepAliveTimeout',
  'maxHeaderSize',
  'rejectNonStandardBodyWrites',
  'requestTimeout',
  'requireHostHeader',
  'uniqueHeaders',
] as const;

/**
 * What a `wss:` dial reads from the options given to `new WebSocket`, through
 * `ws`'s copy, `http.ClientRequest`'s copy, `ws`'s `tlsConnect`,
 * `tls.connect`'s copy and `net.Socket#connect`. A prototype
 * `createConnection`, `agent` or `socket` would carry the whole dial,
 * `finishRequest` would see the request, `lookup` would pick the address,
 * `session` would resume someone else's session.
 */
export const WS_CLIENT_KEYS = [
  // Not read while secureContext is given; own all the same. `ciphers` is
  // left out: tls.connect defaults it before its spread.
  ...SECURE_CONTEXT_KEYS.filter((key) => key !== 'ciphers'),
  // ws initAsClient
  'auth',
  'createConnection',
  'defaultPort',
  'finishRequest',
  'generateMask',
  'handshakeTimeout',
  'headers',
  'origin',
  // http.ClientRequest
  'agent',
  'insecureHTTPParser',
  'joinDuplicateHeaders',
  'maxHeaderSize',
  'setDefaultHeaders',
  'setHost',
  'signal',
  'uniqueHeaders',
  // tls.connect
  'ALPNProtocols',
  'allowHalfOpen',
  'checkServerIdentity',
  'enableTrace',
  'highWaterMark',
  'keepAlive',
  'keepAliveInitialDelay',
  'noDelay',
  'onread',
  'pskCallback',
  'rejectUnauthorized',
  'requestOCSP',
  'secureContext',
  'servername',
  'session',
  'socket',
  // net.Socket#connect
  'autoSelectFamily',
  'autoSelectFamilyAttemptTimeout',
  'family',
  'hints',
  'localAddress',
  'localPort',
  'lookup',
] as const;
