import type { FlowError } from '@flowkit/flow-types';
import { closeErrorType, describeCloseCode, isCleanClose } from './protocol.js';

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function detail(error: unknown): string {
  return error instanceof Error && error.message !== '' ? error.message : String(error);
}

/**
 * How a WebSocket connection ended, as the reader sees it: `undefined` for a
 * clean end (Close 1000 or 1005, read as `EOF`), else the {@link FlowError}.
 *
 * | what happened | type |
 * |---|---|
 * | `ws` found bad framing (`WS_ERR_*`: invalid UTF-8, a message over the limit, a bad opcode) | `protocol` |
 * | the socket failed (`ECONNRESET`, `EPIPE`) | `reset` |
 * | Close 1002, 1003, 1007, 1009, 1010 from the peer | `protocol` |
 * | any other Close code (1001, 1011, 4000–4999…), or no Close frame at all (1006, `abort()`) | `reset` |
 */
export function closeFlowError(
  code: number,
  reason: string,
  error: unknown,
  peer: string,
): FlowError | undefined {
  const systemCode = codeOf(error);
  if (systemCode?.startsWith('WS_ERR_')) {
    return {
      type: 'protocol',
      message: `WebSocket connection to ${peer} broke the protocol: ${detail(error)}`,
      code: systemCode,
      cause: error,
    };
  }
  if (isCleanClose(code)) return undefined;
  const said = reason === '' ? '' : ` ("${reason}")`;
  const how =
    code === 1006
      ? `dropped without a Close frame${error === undefined ? '' : ` (${detail(error)})`}`
      : `closed with code ${describeCloseCode(code)}${said}`;
  const type = systemCode === 'ECONNRESET' || systemCode === 'EPIPE' ? 'reset' : closeErrorType(code);
  const base = { type, message: `WebSocket connection to ${peer} was ${how}` } as const;
  return {
    ...base,
    ...(systemCode === undefined ? {} : { code: systemCode }),
    ...(error === undefined ? {} : { cause: error }),
  };
}

/** The `protocol` error for a message the mapping does not allow (a text message, data after end-of-stream). */
export function protocolError(peer: string, what: string): FlowError {
  return { type: 'protocol', message: `WebSocket peer ${peer} ${what}` };
}
