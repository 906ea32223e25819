// Public surface of the tor control-port client.
export { ControlConnection } from './control-connection.js';
export type {
  CommandOptions,
  ControlConnectionEvents,
  ControlConnectionOptions,
  ControlTarget,
} from './control-connection.js';
export type { AuthenticateOptions } from './authenticate.js';
export type { ControlEvent } from './control-event.js';
export type { ParsedReply, ReplyLine } from './reply-parser.js';
export {
  ControlAuthError,
  ControlClosedError,
  ControlProtocolError,
  ControlTimeoutError,
  InvalidControlCommandError,
  TorControlError,
} from './errors.js';
export { parseAddOnionReply, parseReplyArgs, readQuotedString } from './reply-values.js';
export type { AddOnionResult, ReplyArgs } from './reply-values.js';
