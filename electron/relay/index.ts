// Public surface of the relay server: the whole relay with its tor, or its HTTP API alone for tests.
export { startRelay, type Relay, type RelayOptions } from './relay.js';
export { startRelayHttp, type RelayHttp, type RelayHttpOptions, type RelayListen } from './http/relay-http-server.js';
export { DEFAULT_LIMITS, type RelayLimits } from './limits.js';
export { RelayConfigError, RelayRefusal, RelayStorageError } from './errors.js';
export type { RelayStatus } from './status-server.js';
