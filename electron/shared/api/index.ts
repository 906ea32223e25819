// The API contract between the core and every UI: commands, events, data shapes and error codes, declared once.
import type { CommandInput, CommandName, CommandOutputs, ValidatedInput } from './commands.js';

export * from './commands.js';
export * from './dto.js';
export * from './errors.js';
export * from './events.js';
export * from './group-dto.js';
export * from './file-dto.js';

/** What the core implements: one async function per command, given validated input. */
export type ApiHandlers = { [C in CommandName]: (input: ValidatedInput<C>) => Promise<CommandOutputs[C]> };

/** What the UI calls: the same commands, typed from the contract, over whichever transport. */
export type ApiClient = { [C in CommandName]: (input: CommandInput<C>) => Promise<CommandOutputs[C]> };
