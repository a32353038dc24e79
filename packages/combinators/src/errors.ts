import { type FlowError, formatError, type WriteError } from '@flowkit/flow-types';

/**
 * Thrown by the two APIs whose shape leaves no room for a `Result`: the
 * {@link chunks} async iterator and the Web Streams from {@link toWebStreams}
 * (whose own error channel is a rejected promise). It carries the typed flowkit
 * error as {@link FlowkitError.error}; `message` is its one-line form.
 */
export class FlowkitError extends Error {
  /** The typed error the flow reported. */
  readonly error: FlowError | WriteError;

  /** @param error - the flow's read or write error. */
  constructor(error: FlowError | WriteError) {
    super(formatError(error), { cause: error });
    this.name = 'FlowkitError';
    this.error = error;
  }
}

/** Builds the `aborted` error for a fired signal, keeping its reason as `cause`. */
export function abortedError(what: string, signal: AbortSignal): FlowError {
  return { type: 'aborted', message: `${what} was aborted by its signal`, cause: signal.reason };
}
