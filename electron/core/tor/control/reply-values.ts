// Reads values out of reply and event lines: QuotedStrings, positional and KEY=value arguments, PROTOCOLINFO, AUTHCHALLENGE, ADD_ONION.
import { ControlProtocolError } from './errors.js';
import type { ParsedReply } from './reply-parser.js';

/** Arguments of one line: positional words first, then KEY=value pairs (control-spec §2.4, §4.1). */
export interface ReplyArgs {
  readonly positional: readonly string[];
  readonly keywords: ReadonlyMap<string, string>;
}

const KEYWORD = /([A-Za-z0-9_-]+)=/y;

/**
 * Decodes the QuotedString that starts at `text[start]` (a `"`), with tor's C-style escapes
 * (`\\ \" \' \n \r \t`, octal `\ooo`, hex `\xHH`); escaped bytes are read as UTF-8.
 */
export function readQuotedString(text: string, start = 0): { value: string; end: number } {
  if (text[start] !== '"') throw new ControlProtocolError(`expected a quoted string at ${String(start)}`);
  const bytes: number[] = [];
  let i = start + 1;
  while (i < text.length) {
    const char = String.fromCodePoint(text.codePointAt(i) ?? 0);
    if (char === '"') return { value: Buffer.from(bytes).toString('utf8'), end: i + 1 };
    if (char !== '\\') {
      bytes.push(...Buffer.from(char, 'utf8'));
      i += char.length;
      continue;
    }
    const [byte, length] = readEscape(text, i + 1);
    bytes.push(byte);
    i += 1 + length;
  }
  throw new ControlProtocolError('quoted string is not terminated');
}

function readEscape(text: string, at: number): [byte: number, length: number] {
  const char = text[at] ?? '';
  switch (char) {
    case 'n':
      return [0x0a, 1];
    case 'r':
      return [0x0d, 1];
    case 't':
      return [0x09, 1];
    case '\\':
    case '"':
    case "'":
      return [char.charCodeAt(0), 1];
    case 'x': {
      const hex = /^[0-9A-Fa-f]{2}/.exec(text.slice(at + 1, at + 3));
      if (!hex) throw new ControlProtocolError('bad \\x escape in quoted string');
      return [parseInt(hex[0], 16), 3];
    }
    default: {
      const octal = /^[0-3]?[0-7]{1,2}/.exec(text.slice(at, at + 3));
      if (!octal) throw new ControlProtocolError(`bad escape in quoted string: \\${char}`);
      return [parseInt(octal[0], 8), octal[0].length];
    }
  }
}

/** Splits a reply or event line into its words and KEY=value arguments; values may be quoted. */
export function parseReplyArgs(text: string): ReplyArgs {
  const positional: string[] = [];
  const keywords = new Map<string, string>();
  let i = 0;
  while (i < text.length) {
    if (text[i] === ' ') {
      i += 1;
      continue;
    }
    KEYWORD.lastIndex = i;
    const keyword = KEYWORD.exec(text);
    if (keyword?.[1] !== undefined) {
      const [value, end] = readWord(text, i + keyword[0].length);
      keywords.set(keyword[1], value);
      i = end;
    } else {
      const [value, end] = readWord(text, i);
      positional.push(value);
      i = end;
    }
  }
  return { positional, keywords };
}

function readWord(text: string, start: number): [value: string, end: number] {
  if (text[start] === '"') {
    const { value, end } = readQuotedString(text, start);
    if (end < text.length && text[end] !== ' ') {
      throw new ControlProtocolError('quoted string is followed by something other than a space');
    }
    return [value, end];
  }
  const space = text.indexOf(' ', start);
  const end = space === -1 ? text.length : space;
  return [text.slice(start, end), end];
}

/** The KEY=value argument `key`, or a ControlProtocolError naming what tor left out. */
function requireKeyword(args: ReplyArgs, key: string, context: string): string {
  const value = args.keywords.get(key);
  if (value === undefined) throw new ControlProtocolError(`${context} reply has no ${key}`);
  return value;
}

/** What PROTOCOLINFO says about tor and how to authenticate (control-spec §3.21). */
export interface ProtocolInfo {
  readonly protocolInfoVersion: number;
  readonly authMethods: readonly string[];
  readonly cookieFile?: string;
  readonly torVersion?: string;
}

export function parseProtocolInfo(reply: ParsedReply): ProtocolInfo {
  let protocolInfoVersion: number | undefined;
  let authMethods: string[] | undefined;
  let cookieFile: string | undefined;
  let torVersion: string | undefined;
  for (const line of reply.lines) {
    const args = parseReplyArgs(line.text);
    const [word, first] = args.positional;
    if (word === 'PROTOCOLINFO') {
      protocolInfoVersion = Number(first);
    } else if (word === 'AUTH') {
      authMethods = requireKeyword(args, 'METHODS', 'PROTOCOLINFO AUTH').split(',').filter(Boolean);
      cookieFile = args.keywords.get('COOKIEFILE');
    } else if (word === 'VERSION') {
      torVersion = args.keywords.get('Tor');
    }
  }
  if (protocolInfoVersion === undefined || !Number.isInteger(protocolInfoVersion)) {
    throw new ControlProtocolError('PROTOCOLINFO reply has no protocol version');
  }
  if (!authMethods) throw new ControlProtocolError('PROTOCOLINFO reply has no AUTH line');
  return {
    protocolInfoVersion,
    authMethods,
    ...(cookieFile === undefined ? {} : { cookieFile }),
    ...(torVersion === undefined ? {} : { torVersion }),
  };
}

/** tor's half of the SAFECOOKIE exchange (control-spec §3.24). */
export interface AuthChallenge {
  readonly serverHash: Buffer;
  readonly serverNonce: Buffer;
}

export function parseAuthChallenge(reply: ParsedReply): AuthChallenge {
  const args = parseReplyArgs(reply.lines[0]?.text ?? '');
  if (args.positional[0] !== 'AUTHCHALLENGE') throw new ControlProtocolError('AUTHCHALLENGE reply is malformed');
  return {
    serverHash: hex32(requireKeyword(args, 'SERVERHASH', 'AUTHCHALLENGE'), 'SERVERHASH'),
    serverNonce: hex32(requireKeyword(args, 'SERVERNONCE', 'AUTHCHALLENGE'), 'SERVERNONCE'),
  };
}

function hex32(value: string, name: string): Buffer {
  if (!/^[0-9A-Fa-f]{64}$/.test(value)) throw new ControlProtocolError(`AUTHCHALLENGE ${name} is not 32 bytes of hex`);
  return Buffer.from(value, 'hex');
}

/** What ADD_ONION answered (control-spec §3.27): the service id, and the key only when tor generated one. */
export interface AddOnionResult {
  readonly serviceId: string;
  readonly privateKey?: string;
}

export function parseAddOnionReply(reply: ParsedReply): AddOnionResult {
  let serviceId: string | undefined;
  let privateKey: string | undefined;
  for (const line of reply.lines) {
    const args = parseReplyArgs(line.text);
    serviceId = args.keywords.get('ServiceID') ?? serviceId;
    privateKey = args.keywords.get('PrivateKey') ?? privateKey;
  }
  if (serviceId === undefined) throw new ControlProtocolError('ADD_ONION reply has no ServiceID');
  return privateKey === undefined ? { serviceId } : { serviceId, privateKey };
}
