export type { FaultOptions } from './fault-options.js';
export type { MemoryFlow } from './flow.js';
export type { ConnectionOptions } from './options.js';
export { DEFAULT_CAPACITY } from './options.js';
export type { PairOptions } from './pair.js';
export { pair } from './pair.js';
export type { ConnectOptions, ListenOptions, MemoryAddress, MemoryListener } from './registry.js';
export { connect, DEFAULT_BACKLOG, listen } from './registry.js';
