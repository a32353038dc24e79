export { abortOnSignal } from './close-signal.js';
export {
  checkBacklog,
  checkBoolean,
  checkHost,
  checkNonNegativeInteger,
  checkOptionsObject,
  checkPort,
  checkPositiveInteger,
  checkSignal,
  checkTimeout,
  invalidOption,
  MAX_TIMER_MS,
  readOptions,
  show,
} from './options.js';
export type { FromNodeDuplexOptions, SocketFlowHooks, SocketFlowState } from './socket-flow.js';
export { DEFAULT_READ_HIGH_WATER_MARK, fromNodeDuplex, SocketFlow } from './socket-flow.js';
export type { ToNodeDuplexOptions } from './to-node-duplex.js';
export { toNodeDuplex } from './to-node-duplex.js';
