// Child process for unhandled-rejections.test.ts: installs the core's handler (unless told not to), lets a promise reject unhandled, then says it still runs.
import { keepRunningOnUnhandledRejection } from './unhandled-rejections.js';

if (process.argv[2] !== 'without-handler') keepRunningOnUnhandledRejection((line) => console.log(line));
void Promise.reject(new Error('a background save failed: ENOSPC'));
// Node reports unhandled rejections once the microtasks drain, before the next turn of the event loop.
setImmediate(() => setImmediate(() => console.log('still running')));
