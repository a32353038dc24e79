export type {
  AnyFlowkitError,
  ClosedError,
  ConnectError,
  ErrorFields,
  FlowError,
  FormattableError,
  InvalidOptionError,
  ListenError,
  RuntimeName,
  UnsupportedRuntimeError,
  WriteError,
} from './errors.js';
export { closedError, formatError, formatWriteError } from './errors.js';
export type { CloseOptions, Flow, ReadOptions, ReadResult, WriteResult } from './flow.js';
export type { Listener } from './listener.js';
export type { Eof, Err, Ok, Result } from './result.js';
export { EOF, err, ok } from './result.js';
