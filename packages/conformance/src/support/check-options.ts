import { boolean, func, integer, readOptions, text, timeout } from '@flowkit/kernel';
import type { FlowConformanceOptions, ListenerConformanceOptions } from './types.js';

const capabilityTable = {
  halfClose: boolean(),
  closeWaitsForRemote: boolean(),
  abortSendsReset: boolean(),
  backpressure: boolean(),
};

const flowTable = {
  name: text({ nonEmpty: true }),
  makePair: func(),
  cleanup: func(),
  capabilities: (value: unknown, option: string) =>
    readOptions(value, capabilityTable, { prefix: `${option}.` }),
  timeoutMs: timeout(),
  leakCheck: boolean(),
  maxStressFlows: integer({ min: 1 }),
};

const listenerCapabilityTable = { abortSendsReset: boolean() };

const listenerTable = {
  name: text({ nonEmpty: true }),
  listen: func(),
  connect: func(),
  connectToNothing: func(),
  listenAgain: func(),
  cleanup: func(),
  capabilities: (value: unknown, option: string) =>
    readOptions(value, listenerCapabilityTable, { prefix: `${option}.` }),
  timeoutMs: timeout(),
  leakCheck: boolean(),
};

function required<T extends object>(entry: string, read: T, names: readonly (keyof T & string)[]): T {
  for (const name of names) {
    if (read[name] === undefined) throw new TypeError(`${entry}: ${name} is required`);
  }
  return read;
}

/**
 * Reads the options of `flowConformance`/`planFlowCases` as the kernel reads
 * every option: own properties only (a polluted `Object.prototype` changes
 * nothing), each read once. Bad options are the caller's programming error,
 * so they throw a `TypeError` naming the option, at the call, before any
 * case is registered or run.
 */
export function checkFlowOptions(entry: string, options: unknown): FlowConformanceOptions {
  const read = readOptions(options, flowTable);
  if (!read.ok) throw new TypeError(`${entry}: ${read.error.message}`);
  return required(entry, read.value, ['name', 'makePair']) as FlowConformanceOptions;
}

/** {@link checkFlowOptions} for `listenerConformance`/`planListenerCases`. */
export function checkListenerOptions<A>(entry: string, options: unknown): ListenerConformanceOptions<A> {
  const read = readOptions(options, listenerTable);
  if (!read.ok) throw new TypeError(`${entry}: ${read.error.message}`);
  return required(entry, read.value, ['name', 'listen', 'connect']) as ListenerConformanceOptions<A>;
}
