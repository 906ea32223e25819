// Entry of `npm run web`: serves Allium in a browser tab on 127.0.0.1 until Ctrl-C.
import { runWebModeUntilSignal } from './web-mode.js';

const port = process.env.ALLIUM_WEB_PORT === undefined ? undefined : Number(process.env.ALLIUM_WEB_PORT);
if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
  console.error(`ALLIUM_WEB_PORT must be a port number (0–65535), not "${process.env.ALLIUM_WEB_PORT}".`);
  process.exit(2);
}

runWebModeUntilSignal({ port }).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
