import { describe, expect, it } from 'vitest';
import { ControlTimeoutError, redactCommand, TorControlError } from './errors.js';

describe('TorControlError', () => {
  it('names the command, code and tor text', () => {
    const error = new TorControlError('GETINFO bogus', 552, 'Unrecognized key "bogus"');
    expect(error.message).toBe('tor refused "GETINFO bogus": 552 Unrecognized key "bogus"');
    expect(error.statusCode).toBe(552);
    expect(error.torMessage).toBe('Unrecognized key "bogus"');
    expect(error.name).toBe('TorControlError');
  });

  it('shows only the keyword of ADD_ONION so the key never reaches a log', () => {
    const error = new TorControlError('ADD_ONION ED25519-V3:c2VjcmV0a2V5 Flags=DiscardPK Port=1,unix:/s', 550, 'Onion address collision');
    expect(error.message).toBe('tor refused "ADD_ONION": 550 Onion address collision');
    expect(error.command).toBe('ADD_ONION');
  });

  it('keeps its cause', () => {
    const cause = new Error('inner');
    expect(new TorControlError('SIGNAL NEWNYM', 552, 'x', { cause }).cause).toBe(cause);
  });
});

describe('redactCommand', () => {
  it('redacts AUTHENTICATE in any case and the multi-line form', () => {
    expect(redactCommand('authenticate 00ff')).toBe('authenticate');
    expect(redactCommand('+ADD_ONION NEW:BEST')).toBe('ADD_ONION');
  });

  it('leaves harmless commands whole', () => {
    expect(redactCommand('GETINFO version')).toBe('GETINFO version');
  });

  it('also redacts the command in timeouts', () => {
    expect(new ControlTimeoutError('AUTHENTICATE deadbeef', 10).message).not.toContain('deadbeef');
  });
});
