// The command line: verbs in any case, quoted names, the rest of the line as the message, and one clear sentence for each bad line.
import { describe, expect, it } from 'vitest';
import { DEFAULT_HISTORY, parseCommand } from './command-parser.js';

const command = (line: string): unknown => {
  const parsed = parseCommand(line);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.command;
};
const error = (line: string): string => {
  const parsed = parseCommand(line);
  if (parsed.ok) throw new Error(`"${line}" parsed`);
  return parsed.error;
};

describe('parseCommand', () => {
  it('reads every verb in any case', () => {
    expect(command('send bob hello there')).toEqual({ verb: 'send', user: 'bob', text: 'hello there' });
    expect(command('SeNdGrOuP xyz  hi all ')).toEqual({ verb: 'sendgroup', group: 'xyz', text: 'hi all' });
    expect(command('CREATE xyz')).toEqual({ verb: 'create', group: 'xyz' });
    expect(command('join abc')).toEqual({ verb: 'join', group: 'abc' });
    expect(command('list')).toEqual({ verb: 'list' });
    expect(command('SENDFILE ./a.png bob')).toEqual({ verb: 'sendfile', path: './a.png', user: 'bob' });
    expect(command('sendgroupfile /tmp/v.webm xyz')).toEqual({ verb: 'sendgroupfile', path: '/tmp/v.webm', group: 'xyz' });
    expect(command('save')).toEqual({ verb: 'save' });
    expect(command('save 3')).toEqual({ verb: 'save', file: '3' });
    expect(command('add abc.onion hello, it is me')).toEqual({ verb: 'add', address: 'abc.onion', message: 'hello, it is me' });
    expect(command('add abc.onion')).toEqual({ verb: 'add', address: 'abc.onion', message: '' });
    expect(command('requests')).toEqual({ verb: 'requests' });
    expect(command('accept')).toEqual({ verb: 'accept' });
    expect(command('accept Bob Smith')).toEqual({ verb: 'accept', who: 'Bob Smith' });
    expect(command('contacts')).toEqual({ verb: 'contacts' });
    expect(command('history bob')).toEqual({ verb: 'history', name: 'bob', count: DEFAULT_HISTORY });
    expect(command('history Garden club 5')).toEqual({ verb: 'history', name: 'Garden club', count: 5 });
    expect(command('status')).toEqual({ verb: 'status' });
    expect(command('status AWAY at lunch')).toEqual({ verb: 'status', status: 'away', text: 'at lunch' });
    expect(command('status back soon')).toEqual({ verb: 'status', text: 'back soon' });
    expect(command('relay add allium-relay:x.onion')).toEqual({ verb: 'relay-add', invitation: 'allium-relay:x.onion' });
    expect(command('RELAY')).toEqual({ verb: 'relays' });
    expect(command('help')).toEqual({ verb: 'help' });
    expect(command('quit')).toEqual({ verb: 'quit' });
    expect(command('exit')).toEqual({ verb: 'quit' });
    expect(command('   ')).toBeUndefined();
  });

  it('takes quoted names with spaces, and escapes inside them', () => {
    expect(command('send "Bob Smith" hi')).toEqual({ verb: 'send', user: 'Bob Smith', text: 'hi' });
    expect(command('sendgroup "Garden \\"club\\"" hi')).toEqual({ verb: 'sendgroup', group: 'Garden "club"', text: 'hi' });
    expect(command('sendfile "/tmp/my photo.png" "Bob Smith"')).toEqual({ verb: 'sendfile', path: '/tmp/my photo.png', user: 'Bob Smith' });
    expect(command('sendfile "/tmp/my photo.png" Bob Smith')).toEqual({ verb: 'sendfile', path: '/tmp/my photo.png', user: 'Bob Smith' });
    expect(command('history "club 5"')).toEqual({ verb: 'history', name: 'club 5', count: DEFAULT_HISTORY });
  });

  it('says what is missing, or what is unknown, in one line', () => {
    expect(error('frobnicate now')).toBe('Unknown command "frobnicate"; HELP lists the commands.');
    expect(error('send')).toBe('The user is missing: SEND <user> <message>');
    expect(error('send bob')).toBe('The message is missing: SEND <user> <message>');
    expect(error('SENDGROUP xyz')).toBe('The message is missing: SENDGROUP <group> <message>');
    expect(error('create')).toBe('The group is missing: CREATE <group>');
    expect(error('sendfile')).toBe('The file is missing: SENDFILE <file> <user>');
    expect(error('sendfile a.png')).toBe('The user is missing: SENDFILE <file> <user>');
    expect(error('sendgroupfile a.png')).toBe('The group is missing: SENDGROUPFILE <file> <group>');
    expect(error('add')).toBe('The address is missing: ADD <address> [message]');
    expect(error('history')).toBe('The user or group is missing: HISTORY <user|group> [n]');
    expect(error('history bob 0')).toBe('HISTORY shows 1 to 200 messages; got 0.');
    expect(error('history bob 201')).toBe('HISTORY shows 1 to 200 messages; got 201.');
    expect(error('relay remove x')).toMatch(/^RELAY knows only ADD/);
    expect(error('relay add')).toMatch(/^The invitation is missing/);
    expect(error('list everything')).toBe('LIST takes nothing after it: LIST');
    expect(error('send "unterminated hi')).toBe('The user is missing: SEND <user> <message>');
  });
});
