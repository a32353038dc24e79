import { runtimeRefusal } from '@flowkit/kernel';

/**
 * Whether the Node entry's `connect` refuses this runtime
 * (`unsupported-runtime`), measured (the README's Runtimes section). Bun 1.4
 * answers `import { WebSocket } from 'ws'` with its own client, which looks
 * like ws's but has no `_socket` (the `net.Socket` under it), and the flow
 * needs that socket for backpressure and for an abort that reads as a
 * reset: the first connect threw inside the 'open' event and never
 * resolved. `listen` and `attach` (ws's server side) work on Bun. It shows
 * only once a connection opens, so Bun is refused by name.
 */
export const connectRefusal = runtimeRefusal('@flowkit/websocket cannot connect', {
  bun: "Bun replaces the ws package's client WebSocket with its own, which has no underlying net.Socket (_socket) for backpressure and abort; listen() and attach() work on bun",
});
