// Turns one typed line into a command (case-insensitive verbs, quoted names), or a sentence saying what is wrong with it.

export type Command =
  | { readonly verb: 'send'; readonly user: string; readonly text: string }
  | { readonly verb: 'sendgroup'; readonly group: string; readonly text: string }
  | { readonly verb: 'create'; readonly group: string }
  | { readonly verb: 'join'; readonly group: string }
  | { readonly verb: 'list' }
  | { readonly verb: 'sendfile'; readonly path: string; readonly user: string }
  | { readonly verb: 'sendgroupfile'; readonly path: string; readonly group: string }
  | { readonly verb: 'save'; readonly file?: string }
  | { readonly verb: 'add'; readonly address: string; readonly message: string }
  | { readonly verb: 'requests' }
  | { readonly verb: 'accept'; readonly who?: string }
  | { readonly verb: 'contacts' }
  | { readonly verb: 'history'; readonly name: string; readonly count: number }
  | { readonly verb: 'status'; readonly status?: 'available' | 'away' | 'busy'; readonly text?: string }
  | { readonly verb: 'relay-add'; readonly invitation: string }
  | { readonly verb: 'relays' }
  | { readonly verb: 'whoami' }
  | { readonly verb: 'help' }
  | { readonly verb: 'quit' };

/** `command` is undefined for an empty line. */
export type Parsed = { readonly ok: true; readonly command: Command | undefined } | { readonly ok: false; readonly error: string };

export const DEFAULT_HISTORY = 20;
export const MAX_HISTORY = 200;

/** Splits off the first argument: a "quoted string" (with \" and \\ inside) or a word. `rest` is what follows, trimmed. */
export function firstArgument(text: string): { readonly arg: string; readonly rest: string } | undefined {
  const s = text.trimStart();
  if (s === '') return undefined;
  if (s.startsWith('"')) {
    let arg = '';
    for (let i = 1; i < s.length; i++) {
      const c = s[i]!;
      if (c === '\\' && i + 1 < s.length) {
        arg += s[++i]!;
      } else if (c === '"') {
        return { arg, rest: s.slice(i + 1).trim() };
      } else {
        arg += c;
      }
    }
    return undefined;
  }
  const space = s.search(/\s/u);
  return space === -1 ? { arg: s, rest: '' } : { arg: s.slice(0, space), rest: s.slice(space).trim() };
}

/** A name that is the whole rest of the line: quoted or not, spaces allowed. */
function wholeName(text: string): string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (t.startsWith('"')) {
    const first = firstArgument(t);
    return first !== undefined && first.rest === '' ? first.arg : undefined;
  }
  return t;
}

const need = (what: string, usage: string): Parsed => ({ ok: false, error: `${what} is missing: ${usage}` });
const ok = (command: Command): Parsed => ({ ok: true, command });

export const USAGES = {
  send: 'SEND <user> <message>',
  sendgroup: 'SENDGROUP <group> <message>',
  create: 'CREATE <group>',
  join: 'JOIN <group>',
  list: 'LIST',
  sendfile: 'SENDFILE <file> <user>',
  sendgroupfile: 'SENDGROUPFILE <file> <group>',
  save: 'SAVE [number]',
  add: 'ADD <address> [message]',
  requests: 'REQUESTS',
  accept: 'ACCEPT [user|group]',
  contacts: 'CONTACTS',
  history: 'HISTORY <user|group> [n]',
  status: 'STATUS [available|away|busy] [text]',
  relay: 'RELAY ADD <invitation>  (RELAY alone lists your relays)',
  whoami: 'WHOAMI',
  help: 'HELP',
  quit: 'QUIT',
} as const;

/** Parses one line; an empty line is no command at all. */
export function parseCommand(line: string): Parsed {
  const head = firstArgument(line);
  if (head === undefined) return { ok: true, command: undefined };
  const verb = head.arg.toLowerCase();
  const rest = head.rest;
  switch (verb) {
    case 'send':
    case 'sendgroup': {
      const target = firstArgument(rest);
      const usage = USAGES[verb];
      const noun = verb === 'send' ? 'The user' : 'The group';
      if (target === undefined) return need(noun, usage);
      if (target.rest === '') return need('The message', usage);
      return ok(verb === 'send' ? { verb, user: target.arg, text: target.rest } : { verb, group: target.arg, text: target.rest });
    }
    case 'create':
    case 'join': {
      const group = wholeName(rest);
      return group === undefined ? need('The group', USAGES[verb]) : ok({ verb, group });
    }
    case 'sendfile':
    case 'sendgroupfile': {
      const usage = USAGES[verb];
      const file = firstArgument(rest);
      if (file === undefined) return need('The file', usage);
      const name = wholeName(file.rest);
      if (verb === 'sendfile') return name === undefined ? need('The user', usage) : ok({ verb, path: file.arg, user: name });
      return name === undefined ? need('The group', usage) : ok({ verb, path: file.arg, group: name });
    }
    case 'save': {
      const file = wholeName(rest);
      return ok(file === undefined ? { verb } : { verb, file });
    }
    case 'add': {
      const address = firstArgument(rest);
      return address === undefined ? need('The address', USAGES.add) : ok({ verb, address: address.arg, message: address.rest });
    }
    case 'accept': {
      const who = wholeName(rest);
      return ok(who === undefined ? { verb } : { verb, who });
    }
    case 'history': {
      const counted = /^(.*?)\s+(\d+)$/su.exec(rest);
      const name = wholeName(counted?.[1] ?? rest);
      if (name === undefined) return need('The user or group', USAGES.history);
      const count = counted === null ? DEFAULT_HISTORY : Number(counted[2]);
      if (count < 1 || count > MAX_HISTORY) return { ok: false, error: `HISTORY shows 1 to ${String(MAX_HISTORY)} messages; got ${String(count)}.` };
      return ok({ verb, name, count });
    }
    case 'status': {
      const word = firstArgument(rest);
      if (word === undefined) return ok({ verb });
      const status = word.arg.toLowerCase();
      if (status === 'available' || status === 'away' || status === 'busy') return ok({ verb, status, text: word.rest });
      return ok({ verb, text: rest });
    }
    case 'relay':
    case 'relays': {
      const sub = firstArgument(rest);
      if (sub === undefined) return ok({ verb: 'relays' });
      if (sub.arg.toLowerCase() !== 'add') return { ok: false, error: `RELAY knows only ADD: ${USAGES.relay}` };
      return sub.rest === '' ? need('The invitation', USAGES.relay) : ok({ verb: 'relay-add', invitation: sub.rest });
    }
    case 'list':
    case 'requests':
    case 'contacts':
    case 'whoami':
    case 'help':
    case 'quit':
      return rest === '' ? ok({ verb }) : { ok: false, error: `${verb.toUpperCase()} takes nothing after it: ${USAGES[verb]}` };
    case 'exit':
      return ok({ verb: 'quit' });
    default:
      return { ok: false, error: `Unknown command "${head.arg}"; HELP lists the commands.` };
  }
}

export const HELP_TEXT = [
  'Commands (any case; put a name with spaces "in quotes" where more follows it):',
  ...Object.values(USAGES).map((usage) => `  ${usage}`),
  '<user> is a contact’s nickname or onion address; <group> a group’s name.',
];
