import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ControlProtocolError } from './errors.js';
import type { ParsedReply } from './reply-parser.js';
import {
  parseAddOnionReply,
  parseAuthChallenge,
  parseProtocolInfo,
  parseReplyArgs,
  readQuotedString,
} from './reply-values.js';

function reply(status: number, ...texts: string[]): ParsedReply {
  return { status, lines: texts.map((text) => ({ status, text })) };
}

describe('readQuotedString', () => {
  it('reads a plain quoted string and says where it ends', () => {
    expect(readQuotedString('"Loading relay descriptors" rest')).toEqual({ value: 'Loading relay descriptors', end: 27 });
  });

  it('decodes C escapes: quote, backslash, newline, tab, octal and hex', () => {
    expect(readQuotedString(String.raw`"a\"b\\c\nd\te\101\x42"`).value).toBe('a"b\\c\nd\teAB');
  });

  it('decodes escaped UTF-8 bytes into characters', () => {
    expect(readQuotedString(String.raw`"caf\303\251"`).value).toBe('café');
  });

  it('keeps non-ASCII characters written as themselves', () => {
    expect(readQuotedString('"☃ 🧅"').value).toBe('☃ 🧅');
  });

  it('rejects an unterminated string', () => {
    expect(() => readQuotedString('"no end')).toThrow(/not terminated/);
  });

  it('rejects a string ending in a lone backslash', () => {
    expect(() => readQuotedString('"a\\"')).toThrow(ControlProtocolError);
  });

  it('rejects an unknown escape', () => {
    expect(() => readQuotedString(String.raw`"\q"`)).toThrow(/bad escape/);
  });

  it('round-trips any bytes escaped the way tor escapes them', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const escaped = [...bytes]
          .map((byte) =>
            byte === 0x22 || byte === 0x5c || byte < 0x20 || byte > 0x7e
              ? `\\${byte.toString(8).padStart(3, '0')}`
              : String.fromCharCode(byte),
          )
          .join('');
        expect(readQuotedString(`"${escaped}"`).value).toBe(Buffer.from(bytes).toString('utf8'));
      }),
    );
  });

  it('throws nothing but ControlProtocolError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          parseReplyArgs(text);
        } catch (error) {
          expect(error).toBeInstanceOf(ControlProtocolError);
        }
      }),
    );
  });
});

describe('parseReplyArgs', () => {
  it('splits a bootstrap event into words and keyword arguments', () => {
    const args = parseReplyArgs('NOTICE BOOTSTRAP PROGRESS=50 TAG=loading_descriptors SUMMARY="Loading relay descriptors"');
    expect(args.positional).toEqual(['NOTICE', 'BOOTSTRAP']);
    expect(Object.fromEntries(args.keywords)).toEqual({
      PROGRESS: '50',
      TAG: 'loading_descriptors',
      SUMMARY: 'Loading relay descriptors',
    });
  });

  it('reads the positional fields of an HS_DESC event', () => {
    const address = 'pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd';
    const hsdir = '$B7A14F0C97F6B94A5C2E0B4A7B5D34E0A57F0C11~relay1';
    const args = parseReplyArgs(`UPLOADED ${address} UNKNOWN ${hsdir} XuoF3Rc0uGDXLv09s4dmz8xlxcH9KJ0CXpHkHh6NZTo HSDIR_INDEX=ABCD`);
    expect(args.positional).toEqual(['UPLOADED', address, 'UNKNOWN', hsdir, 'XuoF3Rc0uGDXLv09s4dmz8xlxcH9KJ0CXpHkHh6NZTo']);
    expect(args.keywords.get('HSDIR_INDEX')).toBe('ABCD');
  });

  it('keeps an empty keyword value and tolerates repeated spaces', () => {
    const args = parseReplyArgs('AUTH  METHODS=NULL  COOKIEFILE=');
    expect(args.positional).toEqual(['AUTH']);
    expect(args.keywords.get('COOKIEFILE')).toBe('');
  });

  it('rejects a quoted value glued to the next word', () => {
    expect(() => parseReplyArgs('SUMMARY="a"b')).toThrow(ControlProtocolError);
  });
});

describe('parseProtocolInfo', () => {
  it('reads methods, cookie file and version', () => {
    const info = parseProtocolInfo(
      reply(
        250,
        'PROTOCOLINFO 1',
        'AUTH METHODS=COOKIE,SAFECOOKIE COOKIEFILE="/home/me/.tor/control_auth_cookie"',
        'VERSION Tor="0.4.8.12"',
        'OK',
      ),
    );
    expect(info).toEqual({
      protocolInfoVersion: 1,
      authMethods: ['COOKIE', 'SAFECOOKIE'],
      cookieFile: '/home/me/.tor/control_auth_cookie',
      torVersion: '0.4.8.12',
    });
  });

  it('reads NULL auth without a cookie file', () => {
    const info = parseProtocolInfo(reply(250, 'PROTOCOLINFO 1', 'AUTH METHODS=NULL', 'VERSION Tor="0.4.8.12"', 'OK'));
    expect(info.authMethods).toEqual(['NULL']);
    expect(info.cookieFile).toBeUndefined();
  });

  it('decodes an escaped cookie path', () => {
    const info = parseProtocolInfo(reply(250, 'PROTOCOLINFO 1', String.raw`AUTH METHODS=SAFECOOKIE COOKIEFILE="C:\\Tor\\cookie"`, 'OK'));
    expect(info.cookieFile).toBe('C:\\Tor\\cookie');
  });

  it('rejects a reply without an AUTH line', () => {
    expect(() => parseProtocolInfo(reply(250, 'PROTOCOLINFO 1', 'OK'))).toThrow(/no AUTH line/);
  });
});

describe('parseAuthChallenge', () => {
  it('reads server hash and nonce as bytes', () => {
    const challenge = parseAuthChallenge(reply(250, `AUTHCHALLENGE SERVERHASH=${'ab'.repeat(32)} SERVERNONCE=${'0F'.repeat(32)}`));
    expect(challenge.serverHash).toEqual(Buffer.alloc(32, 0xab));
    expect(challenge.serverNonce).toEqual(Buffer.alloc(32, 0x0f));
  });

  it('rejects a short server hash', () => {
    expect(() => parseAuthChallenge(reply(250, `AUTHCHALLENGE SERVERHASH=abcd SERVERNONCE=${'00'.repeat(32)}`))).toThrow(
      /SERVERHASH is not 32 bytes/,
    );
  });

  it('rejects a reply that is not an AUTHCHALLENGE', () => {
    expect(() => parseAuthChallenge(reply(250, 'OK'))).toThrow(ControlProtocolError);
  });
});

describe('parseAddOnionReply', () => {
  it('reads the service id of a service added with our own key', () => {
    expect(parseAddOnionReply(reply(250, 'ServiceID=pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd', 'OK'))).toEqual({
      serviceId: 'pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd',
    });
  });

  it('reads the key tor generated', () => {
    const result = parseAddOnionReply(reply(250, 'ServiceID=abc', 'PrivateKey=ED25519-V3:c2VjcmV0', 'OK'));
    expect(result.privateKey).toBe('ED25519-V3:c2VjcmV0');
  });

  it('rejects a reply without ServiceID', () => {
    expect(() => parseAddOnionReply(reply(250, 'OK'))).toThrow(/no ServiceID/);
  });
});
