// Public surface of the tor runtime: one supervised tor per profile, onion services, bootstrap status.
import { TorRuntime, type TorRuntimeOptions } from './tor-runtime.js';

export { TorRuntime } from './tor-runtime.js';
export type { OnionServiceStatus, TorRestart, TorRuntimeEvents, TorRuntimeOptions, TorRuntimeState, TorStatus } from './tor-runtime.js';
export type { BootstrapProblem, BootstrapProgress } from './bootstrap-status.js';
export type { OnionReachability, OnionServiceKey, OnionServiceSpec, OnionTarget } from './onion-service.js';
export type { SocksEndpoint } from './tor-process.js';
export { findTorBinary, type TorBinary } from './tor-binary.js';
export { OnionPublishError, TorBinaryNotFoundError, TorConfigError, TorProcessError, TorRuntimeStateError } from './errors.js';

/** Creates a profile's tor runtime; call start() to run it. */
export function createTorRuntime(options: TorRuntimeOptions): TorRuntime {
  return new TorRuntime(options);
}
