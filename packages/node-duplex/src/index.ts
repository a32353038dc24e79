export type { FromNodeDuplexOptions, SocketFlowDescription, SocketFlowHooks } from './socket-flow.js';
export { DEFAULT_READ_HIGH_WATER_MARK, fromNodeDuplex, SocketFlow } from './socket-flow.js';
export type { ToNodeDuplexOptions } from './to-node-duplex.js';
export { toNodeDuplex } from './to-node-duplex.js';
