export type { DialContext } from './dial.js';
export { dial } from './dial.js';
export { connectErrorFromNode, flowErrorFromNode, listenErrorFromNode } from './errors.js';
export type { ServeHooks } from './listener.js';
export { DEFAULT_MAX_PENDING, ServerListener } from './listener.js';
export { nodeOptions, SERVER_KEYS, SOCKET_KEYS } from './node-options.js';
export { serve } from './serve.js';
