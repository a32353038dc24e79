export type { BrowserConnectOptions } from './browser-connect.js';
export { connect } from './browser-connect.js';
export type { WebSocketFlowOptions } from './flow-options.js';
export { DEFAULT_READ_HIGH_WATER_MARK, DEFAULT_WRITE_HIGH_WATER_MARK } from './flow-options.js';
export { CloseCode, DEFAULT_MAX_MESSAGE_BYTES, END_OF_STREAM, SUBPROTOCOL } from './protocol.js';
export { WebSocketFlow } from './websocket-flow.js';
