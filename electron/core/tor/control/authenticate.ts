// Authenticates a fresh control connection: PROTOCOLINFO, then SAFECOOKIE (or a password, or NULL when tor asks for nothing).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ControlAuthError, TorControlError } from './errors.js';
import type { ParsedReply } from './reply-parser.js';
import { parseAuthChallenge, parseProtocolInfo } from './reply-values.js';

export interface AuthenticateOptions {
  /** Where tor's control_auth_cookie is; defaults to the COOKIEFILE tor names in PROTOCOLINFO. */
  readonly cookieFile?: string;
  /** Used only when tor offers HASHEDPASSWORD. */
  readonly password?: string;
}

/** Sends one command line and resolves with its reply (rejecting on 4xx/5xx). */
export type SendCommand = (line: string) => Promise<ParsedReply>;

const COOKIE_BYTES = 32;
const SERVER_TO_CONTROLLER = 'Tor safe cookie authentication server-to-controller hash';
const CONTROLLER_TO_SERVER = 'Tor safe cookie authentication controller-to-server hash';

export async function authenticate(send: SendCommand, options: AuthenticateOptions = {}): Promise<void> {
  const info = parseProtocolInfo(await send('PROTOCOLINFO 1'));
  const methods = new Set(info.authMethods);
  if (options.password !== undefined && methods.has('HASHEDPASSWORD')) {
    await sendAuthenticate(send, Buffer.from(options.password, 'utf8').toString('hex'));
  } else if (methods.has('SAFECOOKIE')) {
    const cookieFile = options.cookieFile ?? info.cookieFile;
    if (cookieFile === undefined) throw new ControlAuthError('tor offers SAFECOOKIE but names no cookie file, and none was given');
    await authenticateWithSafeCookie(send, await readCookie(cookieFile));
  } else if (methods.has('NULL')) {
    await sendAuthenticate(send, '');
  } else {
    const offered = info.authMethods.length === 0 ? 'no method' : info.authMethods.join(', ');
    throw new ControlAuthError(
      `tor offers ${offered}; Allium authenticates with SAFECOOKIE, HASHEDPASSWORD (given a password) or NULL`,
    );
  }
}

/** The two HMACs of SAFECOOKIE (control-spec §3.24): the one tor must show us, and the one we show tor. */
function safeCookieHashes(
  cookie: Buffer,
  clientNonce: Buffer,
  serverNonce: Buffer,
): { serverHash: Buffer; clientHash: Buffer } {
  const message = Buffer.concat([cookie, clientNonce, serverNonce]);
  return {
    serverHash: createHmac('sha256', SERVER_TO_CONTROLLER).update(message).digest(),
    clientHash: createHmac('sha256', CONTROLLER_TO_SERVER).update(message).digest(),
  };
}

async function authenticateWithSafeCookie(send: SendCommand, cookie: Buffer): Promise<void> {
  const clientNonce = randomBytes(32);
  let reply: ParsedReply;
  try {
    reply = await send(`AUTHCHALLENGE SAFECOOKIE ${clientNonce.toString('hex')}`);
  } catch (error) {
    throw asAuthError(error);
  }
  const challenge = parseAuthChallenge(reply);
  const { serverHash, clientHash } = safeCookieHashes(cookie, clientNonce, challenge.serverNonce);
  // Checking tor's proof first means we never hand our proof to something that does not know the cookie.
  if (!timingSafeEqual(serverHash, challenge.serverHash)) {
    throw new ControlAuthError(
      "tor's SAFECOOKIE server hash does not match the cookie: the cookie file belongs to another tor, or the peer is not tor",
    );
  }
  await sendAuthenticate(send, clientHash.toString('hex'));
}

async function readCookie(path: string): Promise<Buffer> {
  let cookie: Buffer;
  try {
    cookie = await readFile(path);
  } catch (error) {
    throw new ControlAuthError(`cannot read tor's control auth cookie "${path}"`, { cause: error });
  }
  if (cookie.length !== COOKIE_BYTES) {
    throw new ControlAuthError(
      `tor's control auth cookie "${path}" is ${String(cookie.length)} bytes; expected ${String(COOKIE_BYTES)}`,
    );
  }
  return cookie;
}

async function sendAuthenticate(send: SendCommand, secretHex: string): Promise<void> {
  try {
    await send(secretHex === '' ? 'AUTHENTICATE' : `AUTHENTICATE ${secretHex}`);
  } catch (error) {
    throw asAuthError(error);
  }
}

function asAuthError(error: unknown): unknown {
  if (!(error instanceof TorControlError)) return error;
  return new ControlAuthError(`tor rejected authentication: ${String(error.statusCode)} ${error.torMessage}`, { cause: error });
}
