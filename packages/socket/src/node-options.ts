/**
 * Keys `new net.Socket(options)` reads from the plain copy it makes with
 * `{ ...options }` (net.Socket, then stream.Duplex, Readable, Writable and
 * EventEmitter), so a key it does not find there comes from
 * `Object.prototype`. Found by defining a recording getter on
 * `Object.prototype` for every identifier in Node 20's net, stream, dns and
 * events sources, then constructing, connecting and exchanging data over
 * TCP (127.0.0.1, ::1, localhost) and unix sockets (see
 * `test/node-options.test.ts`, which repeats that check). `pauseOnCreate`
 * and `manualStart` are read only with a `handle` or `fd`; `blockList` from
 * Node 22.13 on; `emitClose`, `autoDestroy` and `decodeStrings` are set by
 * Node before they are read, listed anyway so no version can miss them.
 */
export const SOCKET_KEYS: readonly string[] = [
  'allowHalfOpen',
  'autoDestroy',
  'blockList',
  'captureRejections',
  'construct',
  'decodeStrings',
  'defaultEncoding',
  'destroy',
  'emitClose',
  'encoding',
  'fd',
  'final',
  'handle',
  'highWaterMark',
  'keepAlive',
  'keepAliveInitialDelay',
  'manualStart',
  'noDelay',
  'objectMode',
  'onread',
  'pauseOnCreate',
  'read',
  'readable',
  'readableHighWaterMark',
  'readableObjectMode',
  'signal',
  'writable',
  'writableHighWaterMark',
  'writableObjectMode',
  'write',
  'writev',
];

/**
 * Keys `net.createServer(options)` reads from the plain copy it makes with
 * `{ ...options }` (found as {@link SOCKET_KEYS}; `blockList` from Node
 * 22.13 on).
 */
export const SERVER_KEYS: readonly string[] = [
  'allowHalfOpen',
  'blockList',
  'highWaterMark',
  'keepAlive',
  'keepAliveInitialDelay',
  'noDelay',
  'pauseOnConnect',
];

/**
 * The object to hand to `node:net`, so that no option Node reads can come
 * from a polluted `Object.prototype`: a null-prototype object holding the
 * own enumerable properties of `values`, plus every key of `spreadKeys`
 * that `values` lacks, as an own `undefined`.
 *
 * - Where Node reads the given object directly (`socket.connect`,
 *   `server.listen`), pass `[]`: the null prototype is enough, and an own
 *   `undefined` would change Node's reading (`listen` treats an own `port`
 *   set to `undefined` as port 0, even beside a `path`).
 * - Where Node first copies it with `{ ...options }` (`new net.Socket`,
 *   `net.createServer`), the copy is a plain object again: pass
 *   {@link SOCKET_KEYS} or {@link SERVER_KEYS}, so that every key Node reads
 *   from the copy is its own.
 */
export function nodeOptions<T extends object>(spreadKeys: readonly string[], values: T): T {
  const out: Record<string, unknown> = Object.create(null);
  for (const key of spreadKeys) out[key] = undefined;
  for (const key of Object.keys(values)) out[key] = (values as Record<string, unknown>)[key];
  return out as T;
}
