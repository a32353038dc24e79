export type { FaultOptions } from './fault.js';
export type { ConnectionOptions } from './options.js';
export { DEFAULT_CAPACITY } from './options.js';
export type { MemoryFlow, MemoryFlowState, PairOptions } from './pair.js';
export { pair } from './pair.js';
export type { ConnectOptions, ListenOptions, MemoryAddress, MemoryListener } from './registry.js';
export { connect, listen } from './registry.js';
