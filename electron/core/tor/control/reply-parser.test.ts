import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ControlProtocolError } from './errors.js';
import { ReplyParser, type ParsedReply } from './reply-parser.js';

const LIMITS = { maxLineBytes: 4096, maxReplyBytes: 65_536 };

/** A control-spec style session: PROTOCOLINFO, a GETINFO with both value forms, an event, an error. */
const TRANSCRIPT = [
  '250-PROTOCOLINFO 1\r\n',
  '250-AUTH METHODS=COOKIE,SAFECOOKIE COOKIEFILE="/var/lib/tor/control_auth_cookie"\r\n',
  '250-VERSION Tor="0.4.8.12"\r\n',
  '250 OK\r\n',
  '650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=50 TAG=loading_descriptors SUMMARY="Loading relay descriptors"\r\n',
  '250-version=0.4.8.12\r\n',
  '250+config-text=\r\n',
  'ControlPort auto\r\n',
  '..hidden line\r\n',
  '.\r\n',
  '250 OK\r\n',
  '552 Unrecognized key "bogus"\r\n',
].join('');

const EXPECTED: ParsedReply[] = [
  {
    status: 250,
    lines: [
      { status: 250, text: 'PROTOCOLINFO 1' },
      { status: 250, text: 'AUTH METHODS=COOKIE,SAFECOOKIE COOKIEFILE="/var/lib/tor/control_auth_cookie"' },
      { status: 250, text: 'VERSION Tor="0.4.8.12"' },
      { status: 250, text: 'OK' },
    ],
  },
  {
    status: 650,
    lines: [
      {
        status: 650,
        text: 'STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=50 TAG=loading_descriptors SUMMARY="Loading relay descriptors"',
      },
    ],
  },
  {
    status: 250,
    lines: [
      { status: 250, text: 'version=0.4.8.12' },
      { status: 250, text: 'config-text=', data: 'ControlPort auto\n.hidden line' },
      { status: 250, text: 'OK' },
    ],
  },
  { status: 552, lines: [{ status: 552, text: 'Unrecognized key "bogus"' }] },
];

function parseInPieces(bytes: Buffer, cuts: readonly number[]): ParsedReply[] {
  const parser = new ReplyParser(LIMITS);
  const replies: ParsedReply[] = [];
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    replies.push(...parser.push(bytes.subarray(start, cut)));
    start = cut;
  }
  replies.push(...parser.push(bytes.subarray(start)));
  parser.end();
  return replies;
}

function pushAll(text: string, limits = LIMITS): ParsedReply[] {
  return new ReplyParser(limits).push(Buffer.from(text));
}

describe('ReplyParser on a control-spec transcript', () => {
  it('parses the transcript in one chunk into four replies', () => {
    expect(parseInPieces(Buffer.from(TRANSCRIPT), [])).toEqual(EXPECTED);
  });

  it('parses the transcript fed one byte at a time', () => {
    const bytes = Buffer.from(TRANSCRIPT);
    const parser = new ReplyParser(LIMITS);
    const replies: ParsedReply[] = [];
    for (const byte of bytes) replies.push(...parser.push(Buffer.of(byte)));
    parser.end();
    expect(replies).toEqual(EXPECTED);
  });

  it('parses the transcript the same way whatever the chunk boundaries', () => {
    const bytes = Buffer.from(TRANSCRIPT);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 40 }), (cuts) => {
        expect(parseInPieces(bytes, cuts)).toEqual(EXPECTED);
      }),
    );
  });

  it('accepts bare LF line endings', () => {
    expect(pushAll(TRANSCRIPT.replaceAll('\r\n', '\n'))).toEqual(EXPECTED);
  });

  it('keeps UTF-8 characters split across chunks intact', () => {
    const bytes = Buffer.from('250 nickname=café ☃\r\n');
    const parser = new ReplyParser(LIMITS);
    const replies = [...parser.push(bytes.subarray(0, 17)), ...parser.push(bytes.subarray(17))];
    expect(replies).toEqual([{ status: 250, lines: [{ status: 250, text: 'nickname=café ☃' }] }]);
  });

  it('returns nothing until the end line of a reply arrives', () => {
    const parser = new ReplyParser(LIMITS);
    expect(parser.push(Buffer.from('250-a=1\r\n250-b=2\r\n'))).toEqual([]);
    expect(parser.push(Buffer.from('250 OK\r\n'))).toHaveLength(1);
  });

  it('keeps an empty data block as an empty string', () => {
    expect(pushAll('250+x=\r\n.\r\n250 OK\r\n')[0]?.lines[0]).toEqual({ status: 250, text: 'x=', data: '' });
  });

  it('reads a multi-line async event ending in 650 OK', () => {
    expect(pushAll('650-CONF_CHANGED\r\n650-SocksPort=9050\r\n650 OK\r\n')).toEqual([
      {
        status: 650,
        lines: [
          { status: 650, text: 'CONF_CHANGED' },
          { status: 650, text: 'SocksPort=9050' },
          { status: 650, text: 'OK' },
        ],
      },
    ]);
  });
});

describe('ReplyParser on hostile input', () => {
  it('fails end() when the connection closes inside a data block', () => {
    const parser = new ReplyParser(LIMITS);
    parser.push(Buffer.from('250+config-text=\r\nSocksPort 9050\r\n'));
    expect(() => {
      parser.end();
    }).toThrow(/unterminated data block/);
  });

  it('fails end() when the connection closes after a mid-reply line', () => {
    const parser = new ReplyParser(LIMITS);
    parser.push(Buffer.from('250-version=0.4.8.12\r\n'));
    expect(() => {
      parser.end();
    }).toThrow(ControlProtocolError);
  });

  it('fails end() when the connection closes inside a line', () => {
    const parser = new ReplyParser(LIMITS);
    parser.push(Buffer.from('250 O'));
    expect(() => {
      parser.end();
    }).toThrow(/middle of a reply/);
  });

  it('accepts end() after complete replies', () => {
    const parser = new ReplyParser(LIMITS);
    parser.push(Buffer.from('250 OK\r\n'));
    expect(() => {
      parser.end();
    }).not.toThrow();
  });

  it('rejects a line without newline as soon as it passes the limit', () => {
    const parser = new ReplyParser({ maxLineBytes: 100, maxReplyBytes: 1000 });
    expect(parser.push(Buffer.from(`250-${'a'.repeat(96)}`))).toEqual([]);
    expect(() => parser.push(Buffer.from('b'))).toThrow(/line longer than 100 bytes/);
  });

  it('accepts a line of exactly the limit', () => {
    const parser = new ReplyParser({ maxLineBytes: 100, maxReplyBytes: 1000 });
    const replies = parser.push(Buffer.from(`250 ${'a'.repeat(96)}\r\n`));
    expect(replies[0]?.lines[0]?.text).toHaveLength(96);
  });

  it('rejects a huge line fed in small chunks without buffering it whole', () => {
    const parser = new ReplyParser({ maxLineBytes: 1024, maxReplyBytes: 1 << 20 });
    const chunk = Buffer.alloc(100, 0x41);
    let pushed = 0;
    expect(() => {
      for (let i = 0; i < 100; i += 1) {
        parser.push(chunk);
        pushed += chunk.length;
      }
    }).toThrow(ControlProtocolError);
    expect(pushed).toBeLessThanOrEqual(1024);
  });

  it('rejects a reply larger than maxReplyBytes', () => {
    const line = `250-${'x'.repeat(50)}\r\n`;
    expect(() => pushAll(line.repeat(30), { maxLineBytes: 100, maxReplyBytes: 1000 })).toThrow(/reply longer than 1000/);
  });

  it('rejects a data block larger than maxReplyBytes', () => {
    const parser = new ReplyParser({ maxLineBytes: 100, maxReplyBytes: 1000 });
    parser.push(Buffer.from('250+ns/all=\r\n'));
    expect(() => parser.push(Buffer.from('r relay 1.2.3.4\r\n'.repeat(100)))).toThrow(ControlProtocolError);
  });

  it('rejects status codes that change within one reply', () => {
    expect(() => pushAll('250-version=1\r\n251 OK\r\n')).toThrow(/from 250 to 251/);
  });

  it('rejects a non-digit status code', () => {
    expect(() => pushAll('25x OK\r\n')).toThrow(ControlProtocolError);
  });

  it('rejects a two-digit status code', () => {
    expect(() => pushAll('25 OK\r\n')).toThrow(ControlProtocolError);
  });

  it('rejects a status code without separator', () => {
    expect(() => pushAll('250\r\n')).toThrow(ControlProtocolError);
  });

  it('keeps failing after the first protocol error', () => {
    const parser = new ReplyParser(LIMITS);
    expect(() => parser.push(Buffer.from('garbage\r\n'))).toThrow(ControlProtocolError);
    expect(() => parser.push(Buffer.from('250 OK\r\n'))).toThrow(ControlProtocolError);
  });

  it('throws nothing but ControlProtocolError on random bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (chunks) => {
        const parser = new ReplyParser({ maxLineBytes: 32, maxReplyBytes: 128 });
        try {
          for (const chunk of chunks) parser.push(Buffer.from(chunk));
          parser.end();
        } catch (error) {
          expect(error).toBeInstanceOf(ControlProtocolError);
        }
      }),
    );
  });

  it('throws nothing but ControlProtocolError on mutated transcripts, and parses what it accepts consistently', () => {
    const original = Buffer.from(TRANSCRIPT);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: original.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 0, max: original.length }), { maxLength: 10 }),
        (mutations, cuts) => {
          const bytes = Buffer.from(original);
          for (const [at, value] of mutations) bytes[at] = value;
          let whole: ParsedReply[] | Error;
          let split: ParsedReply[] | Error;
          try {
            whole = parseInPieces(bytes, []);
          } catch (error) {
            expect(error).toBeInstanceOf(ControlProtocolError);
            whole = error as Error;
          }
          try {
            split = parseInPieces(bytes, cuts);
          } catch (error) {
            expect(error).toBeInstanceOf(ControlProtocolError);
            split = error as Error;
          }
          expect(split instanceof Error).toBe(whole instanceof Error);
          if (!(whole instanceof Error)) expect(split).toEqual(whole);
        },
      ),
    );
  });
});
