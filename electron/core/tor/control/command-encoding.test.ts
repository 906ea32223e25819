import { describe, expect, it } from 'vitest';
import { encodeCommand } from './command-encoding.js';
import { InvalidControlCommandError } from './errors.js';

describe('encodeCommand', () => {
  it('ends a single-line command with CRLF', () => {
    expect(encodeCommand('GETINFO version')).toBe('GETINFO version\r\n');
  });

  it('refuses a command with LF, since it would smuggle a second command', () => {
    expect(() => encodeCommand('GETINFO version\nSIGNAL SHUTDOWN')).toThrow(InvalidControlCommandError);
  });

  it('refuses a command with CR or NUL', () => {
    expect(() => encodeCommand('SIGNAL NEWNYM\r')).toThrow(InvalidControlCommandError);
    expect(() => encodeCommand('SIGNAL\0NEWNYM')).toThrow(InvalidControlCommandError);
  });

  it('refuses an empty command', () => {
    expect(() => encodeCommand('  ')).toThrow(/empty/);
  });

  it('does not echo secret arguments when refusing a command', () => {
    expect(() => encodeCommand('ADD_ONION ED25519-V3:SECRETKEY Port=1\nX')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('SECRETKEY') as unknown }),
    );
  });

  it('sends data in the multi-line form with dot-stuffing', () => {
    expect(encodeCommand('LOADCONF', 'SocksPort 0\n.hidden\nLog notice stdout\n')).toBe(
      '+LOADCONF\r\nSocksPort 0\r\n..hidden\r\nLog notice stdout\r\n.\r\n',
    );
  });

  it('keeps a single empty data line and sends empty data as an empty block', () => {
    expect(encodeCommand('LOADCONF', '\n')).toBe('+LOADCONF\r\n\r\n.\r\n');
    expect(encodeCommand('LOADCONF', '')).toBe('+LOADCONF\r\n.\r\n');
  });

  it('refuses data with a bare CR', () => {
    expect(() => encodeCommand('LOADCONF', 'a\rb')).toThrow(InvalidControlCommandError);
  });
});
