// Public surface of the core: createCore, the facade every transport (Electron, web mode, tests) serves.
export { createCore, type Core, type CoreOptions } from './core.js';
export { keepRunningOnUnhandledRejection } from './unhandled-rejections.js';
