// `@flowkit/conformance/core`: the suite without a test runner. Nothing
// reachable from here imports vitest or `node:` modules (test/core.test.ts
// checks), so the cases run in browsers, `node:test`, Deno and Bun.
export { abortTopic } from './flow/abort.js';
export { backpressureTopic } from './flow/backpressure.js';
export { basicTopic } from './flow/basic.js';
export { cancelTopic } from './flow/cancel.js';
export { cloggedTopic } from './flow/clogged.js';
export { closeTopic } from './flow/close.js';
export { closeWriteTopic } from './flow/close-write.js';
export { concurrencyTopic } from './flow/concurrency.js';
export { deadlinesTopic } from './flow/deadlines.js';
export { halfCloseTopic } from './flow/half-close.js';
export { propertiesTopic } from './flow/properties.js';
export { racesTopic } from './flow/races.js';
export { stressTopic } from './flow/stress.js';
export { flowTopics } from './flow/topics.js';
export { writeRulesTopic } from './flow/write-rules.js';
export { listenerErrorsTopic } from './listener/errors.js';
export { lifecycleTopic } from './listener/lifecycle.js';
export { acceptQueueTopic } from './listener/queue.js';
export { listenerStressTopic } from './listener/stress.js';
export { listenerTopics } from './listener/topics.js';
export type { LeakCensus, LeakCheckSupport, LeakWatch } from './runner/leaks.js';
export { leakCensus, leakCheckSupport, startLeakWatch } from './runner/leaks.js';
export type { PlannedCase } from './runner/plan.js';
export { LEAK_GRACE_MS, leakCheckNotice, planFlowCases, planListenerCases } from './runner/plan.js';
export type { CaseReport, ConformanceReport, RunConformanceOptions } from './runner/run.js';
export { runConformance } from './runner/run.js';
export { ConformanceError, checkBytes, concat, fail } from './support/assert.js';
export type { FlowContextTimings } from './support/harness.js';
export { flowCaseContext, missingCapabilities, resolveCapabilities } from './support/harness.js';
export { listenerCaseContext } from './support/listener-harness.js';
export type { ReadEnd, ReadLoopOptions } from './support/ops.js';
export { guard, readUntilEnd, readUntilEof, receiveExactly } from './support/ops.js';
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
  LeakCheckOption,
  ListenerCapabilities,
  ListenerCapability,
  ListenerCase,
  ListenerCaseContext,
  ListenerConformanceOptions,
  ListenerScope,
  ListenerTopic,
  Topic,
} from './support/types.js';
