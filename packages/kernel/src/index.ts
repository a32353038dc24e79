export type { AcceptQueueOptions } from './accept-queue.js';
export { AcceptQueue } from './accept-queue.js';
export { checkByteList, checkBytes, checkFlow } from './arguments.js';
export {
  brokenFlow,
  FLOW_BROKEN,
  guardedAbort,
  guardedClose,
  guardedCloseWrite,
  guardedRead,
  guardedWrite,
  guardedWritev,
} from './flow-contract.js';
export { ForwardingFlow } from './forwarding-flow.js';
export { invalidOption } from './invalid-option.js';
export type { OptionReader, Pem } from './option-readers.js';
export {
  any,
  boolean,
  func,
  host,
  integer,
  MAX_TIMER_MS,
  object,
  oneOf,
  pem,
  port,
  refused,
  signal,
  text,
  timeout,
} from './option-readers.js';
export type { OptionsOf, OptionTable, ReadOptionsContext } from './read-options.js';
export { readOptions } from './read-options.js';
export type { ReadQueueHooks } from './read-queue.js';
export { ReadQueue, readCancelled } from './read-queue.js';
export { detectRuntime, runtimeName, runtimeRefusal } from './runtime.js';
export { Settled } from './settled.js';
export { show } from './show.js';
export { abortOnSignal, isAbortSignal, signalOption } from './signal.js';
export type { FlowState, ReadHalf, WriteHalf } from './state.js';
export { flowState } from './state.js';
export { tlsSideDoors } from './tls-side-doors.js';
