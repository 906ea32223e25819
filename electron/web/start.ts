// The one entry of `npm start` and `npm run web`: the desktop app, its Electron runtime downloaded first if missing; web mode on ALLIUM_WEB_PORT where that cannot work (or with --web).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { prepareElectronRuntime } from './electron-runtime.js';
import { LaunchError } from './errors.js';
import { REPO_ROOT } from './repo-paths.js';
import { runWebModeUntilSignal } from './web-mode.js';
import { checkPortFree, webPortFromEnv } from './web-port.js';

/** Runs a Node script from node_modules with this Node, without a shell; resolves with its exit code. */
function runNodeScript(script: string, args: readonly string[]): Promise<number> {
  const path = join(REPO_ROOT, 'node_modules', script);
  if (!existsSync(path)) return Promise.reject(new LaunchError(`${path} is missing: run npm ci`));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path, ...args], { cwd: REPO_ROOT, stdio: 'inherit' });
    child.once('error', (error) => reject(new LaunchError(`could not run ${script}`, { cause: error })));
    child.once('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
}

async function buildRenderer(): Promise<void> {
  console.log('Building the renderer (vite)…');
  const code = await runNodeScript('vite/bin/vite.js', ['build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
  if (code !== 0) throw new LaunchError(`building the renderer failed (vite exited with ${code})`);
}

async function main(): Promise<void> {
  const webOnly = process.argv.includes('--web');
  if (!webOnly) {
    const runtime = await prepareElectronRuntime();
    if (runtime.found) {
      process.exitCode = await runNodeScript('@electron-forge/cli/dist/electron-forge.js', ['start']);
      return;
    }
    console.log(`Allium cannot open its desktop window: ${runtime.reason}.`);
    console.log('Serving it in web mode instead: the same app in your browser, on 127.0.0.1 only.\n');
  }
  // A wrong or taken port is refused before the renderer build, so the answer comes in a second, not after it.
  const port = webPortFromEnv(process.env);
  if (port !== undefined) await checkPortFree(port);
  await buildRenderer();
  await runWebModeUntilSignal({ port });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}` : error);
  process.exitCode = 1;
});
