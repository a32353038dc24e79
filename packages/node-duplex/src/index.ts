export { toNodeDuplex } from './to-node-duplex.js';
