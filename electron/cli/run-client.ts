// The terminal client's life over one API connection: events printed as they come, sign-in, then one command line at a time until QUIT or the end of input.
import { ApiError, EVENT_NAMES, type EventName } from '../shared/api/index.js';
import type { AnyApiEvent, ApiConnection } from '../shared/rpc/index.js';
import { runAction, savePending, type ActionContext } from './actions.js';
import { CliError } from './cli-error.js';
import { ClientState } from './client-state.js';
import { parseCommand } from './command-parser.js';
import { describeEvent } from './event-text.js';
import type { LineInput } from './line-input.js';
import type { Output } from './output.js';
import { signIn } from './sign-in.js';

export interface ClientOptions {
  readonly connection: ApiConnection;
  readonly input: LineInput;
  readonly output: Output;
  readonly dataDir: string;
  /** Called once signed in, before the first command is read (the terminal shows its prompt). */
  readonly onSignedIn?: () => void;
}

/** Prints one failure line for anything a command threw; nothing ends the client but QUIT or the end of input. */
function report(output: Output, command: string, error: unknown, line?: number): void {
  if (error instanceof ApiError) output.failure(command, error.code, error.message, line);
  else if (error instanceof CliError) output.failure(command, 'refused', error.message, line);
  else output.failure(command, 'internal', `Something went wrong in the terminal client: ${error instanceof Error ? error.message : String(error)}`, line);
}

export async function runClient({ connection, input, output, dataDir, onSignedIn }: ClientOptions): Promise<void> {
  const state = new ClientState();
  const ctx: ActionContext = { api: connection.api, state, progress: (key, text) => output.progress(key, text) };

  const onEvent = (event: AnyApiEvent): void => {
    output.event(event, describeEvent(event, state));
    if (event.name === 'message.changed' && event.payload.file?.state === 'received' && state.pendingSaves.has(event.payload.file.id)) {
      savePending(ctx, event.payload.file.id).then(
        (saved) => saved !== undefined && output.result('SAVE', saved),
        (error: unknown) => report(output, 'SAVE', error),
      );
    }
  };
  for (const name of EVENT_NAMES) listen(connection, name, onEvent);

  const signedIn = await signIn(
    connection.api,
    (field, question, secret) => {
      output.ask(field, question);
      return input.ask(question, secret);
    },
    output,
    dataDir,
  );
  if (!signedIn) return;
  state.rememberContacts(await connection.api['contacts.list']({}));
  state.rememberGroups(await connection.api['groups.list']({}));
  // tor may have got far while the profile opened, before its events reached us: where it is now, then its events.
  const tor = describeEvent({ name: 'tor.status', payload: await connection.api['tor.status']({}) }, state);
  if (tor !== undefined) output.progress('tor', tor.text);
  const me = await connection.api['identity.get']({});
  output.notice(`Your address: ${me.shareText} — HELP lists the commands.`);
  onSignedIn?.();

  for (let number = 1; ; ) {
    const line = await input.next();
    if (line === undefined) return;
    const parsed = parseCommand(line);
    if (parsed.ok && parsed.command === undefined) {
      output.idle();
      continue;
    }
    const at = number++;
    if (!parsed.ok) {
      output.failure(line.trim().split(/\s/u)[0]?.toUpperCase() ?? '', 'usage', parsed.error, at);
      continue;
    }
    const command = parsed.command!;
    if (command.verb === 'quit') return;
    const verb = command.verb === 'relay-add' ? 'RELAY ADD' : command.verb.toUpperCase();
    try {
      output.result(verb, await runAction(ctx, command), at);
    } catch (error) {
      report(output, verb, error, at);
    }
  }
}

function listen<E extends EventName>(connection: ApiConnection, name: E, onEvent: (event: AnyApiEvent) => void): void {
  connection.on(name, (payload) => onEvent({ name, payload } as AnyApiEvent));
}
