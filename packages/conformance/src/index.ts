export { flowConformance } from './flow/conformance.js';
export { flowTopics } from './flow/topics.js';
export { listenerConformance } from './listener/conformance.js';
export { listenerTopics } from './listener/topics.js';
export { ConformanceError, checkBytes, concat, fail } from './support/assert.js';
export type { FlowContextTimings } from './support/harness.js';
export { flowCaseContext, resolveCapabilities } from './support/harness.js';
export { listenerCaseContext } from './support/listener-harness.js';
export type { ReadEnd, ReadLoopOptions } from './support/ops.js';
export { guard, readExactly, readUntilEnd, readUntilEof } from './support/ops.js';
export { chunk, KiB, MiB, pattern, patternByte } from './support/pattern.js';
export type { Settled } from './support/timing.js';
export { settlesWithin, sleep, withTimeout } from './support/timing.js';
export type {
  FlowCapabilities,
  FlowCapability,
  FlowCase,
  FlowCaseContext,
  FlowConformanceOptions,
  FlowTopic,
  ListenerCase,
  ListenerCaseContext,
  ListenerConformanceOptions,
  ListenerScope,
  ListenerTopic,
  Topic,
} from './support/types.js';
