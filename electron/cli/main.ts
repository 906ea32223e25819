// `npm run cli -- [--data DIR] [--json]` (the `allium` command): a terminal client on a core of its own, over the same API contract as the window.
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createCore } from '../core/index.js';
import { backendFromCore, createApiClient, serveApi } from '../shared/rpc/index.js';
import { resolveDataDir } from '../web/app-data-dir.js';
import { TOR_RESOURCES_DIR } from '../web/repo-paths.js';
import { inProcessChannelPair } from './in-process-channel.js';
import { plainInput, terminalInput, type LineInput } from './line-input.js';
import { jsonOutput, terminalOutput, type Output } from './output.js';
import { runClient } from './run-client.js';
import { TerminalScreen } from './screen.js';

const USAGE = `Usage: npm run cli -- [--data DIR] [--json] [--log FILE]   (installed: allium [options])

  --data DIR    the folder of profiles (default: ALLIUM_DATA_DIR, else the app data folder the window uses)
  --json        one JSON object per line on stdout for events and results; commands as lines on stdin
  --log FILE    append the core's log lines to FILE (default: not kept)

Commands are listed by HELP once signed in; docs/cli.md describes them and the JSON lines.`;

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ options: { data: { type: 'string' }, json: { type: 'boolean' }, log: { type: 'string' }, help: { type: 'boolean' } } }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (values.help === true) {
    console.log(USAGE);
    return;
  }
  const dataDir = values.data ?? resolveDataDir({ env: process.env });
  const logFile = values.log;
  const core = await createCore({
    dataDir,
    resourcesDir: TOR_RESOURCES_DIR,
    env: process.env,
    // The core's lines would break the terminal's prompt and the JSON stream: they go to --log or nowhere.
    log: (line) => {
      if (logFile !== undefined) appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`);
    },
  });
  const [serverEnd, clientEnd] = inProcessChannelPair();
  serveApi(serverEnd, backendFromCore(core));
  const connection = createApiClient(clientEnd);

  let input: LineInput;
  let output: Output;
  let onSignedIn: (() => void) | undefined;
  if (values.json === true) {
    input = plainInput(process.stdin);
    output = jsonOutput(process.stdout);
  } else {
    const terminal = terminalInput(process.stdin, process.stdout);
    const screen = new TerminalScreen(process.stdout);
    input = terminal;
    output = terminalOutput(screen);
    onSignedIn = () => screen.attach(terminal.readline);
  }
  try {
    await runClient({ connection, input, output, dataDir, ...(onSignedIn === undefined ? {} : { onSignedIn }) });
  } finally {
    input.close();
    if (values.json !== true) process.stdout.write('\nStopping Allium and its tor…\n');
    connection.close();
    await core.stop();
  }
}

main().then(
  () => process.exit(),
  (error: unknown) => {
    console.error(`Allium's terminal client stopped: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
