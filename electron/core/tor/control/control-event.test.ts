import { describe, expect, it } from 'vitest';
import { isAsyncReply, parseEvent } from './control-event.js';
import { ControlProtocolError } from './errors.js';

describe('parseEvent', () => {
  it('types a bootstrap STATUS_CLIENT event and parses its arguments', () => {
    const event = parseEvent({
      status: 650,
      lines: [{ status: 650, text: 'STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=100 TAG=done SUMMARY="Done"' }],
    });
    expect(event.type).toBe('STATUS_CLIENT');
    expect(event.args.positional).toEqual(['NOTICE', 'BOOTSTRAP']);
    expect(event.args.keywords.get('SUMMARY')).toBe('Done');
  });

  it('keeps every line of a multi-line event', () => {
    const lines = [
      { status: 650, text: 'CONF_CHANGED' },
      { status: 650, text: 'SocksPort=9050' },
      { status: 650, text: 'OK' },
    ];
    const event = parseEvent({ status: 650, lines });
    expect(event.type).toBe('CONF_CHANGED');
    expect(event.args.positional).toEqual([]);
    expect(event.lines).toEqual(lines);
  });

  it('rejects an event without a type keyword', () => {
    expect(() => parseEvent({ status: 650, lines: [{ status: 650, text: '' }] })).toThrow(ControlProtocolError);
  });
});

describe('isAsyncReply', () => {
  it('tells 6xx events from command replies', () => {
    expect(isAsyncReply({ status: 650, lines: [] })).toBe(true);
    expect(isAsyncReply({ status: 250, lines: [] })).toBe(false);
    expect(isAsyncReply({ status: 552, lines: [] })).toBe(false);
  });
});
