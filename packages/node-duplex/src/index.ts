export type { ToNodeDuplexOptions } from './to-node-duplex.js';
export { toNodeDuplex } from './to-node-duplex.js';
