import { createHmac, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlConnection, type ControlConnectionOptions } from './control-connection.js';
import type { ControlEvent } from './control-event.js';
import {
  ControlAuthError,
  ControlClosedError,
  ControlProtocolError,
  ControlTimeoutError,
  InvalidControlCommandError,
  TorControlError,
} from './errors.js';

/** Answers one line the client sent; write raw control-protocol bytes to `socket`. */
type LineHandler = (line: string, socket: Socket) => void;

/** A transcript-replaying stand-in for tor's control port on 127.0.0.1. */
class FakeTor {
  readonly received: string[] = [];
  readonly sockets: Socket[] = [];

  private constructor(
    readonly server: Server,
    handler: LineHandler,
  ) {
    server.on('connection', (socket) => {
      this.sockets.push(socket);
      let buffered = '';
      socket.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        let newline: number;
        while ((newline = buffered.indexOf('\r\n')) !== -1) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 2);
          this.received.push(line);
          handler(line, socket);
        }
      });
      socket.on('error', () => undefined);
    });
  }

  static async start(handler: LineHandler): Promise<FakeTor> {
    const server = createServer();
    const fake = new FakeTor(server, handler);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  connect(options?: ControlConnectionOptions): Promise<ControlConnection> {
    return ControlConnection.connect({ host: '127.0.0.1', port: this.port }, options);
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

let dir: string;
let fake: FakeTor | undefined;
let connection: ControlConnection | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'allium-control-'));
});

afterEach(async () => {
  await connection?.close();
  await fake?.stop();
  connection = undefined;
  fake = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function startFake(handler: LineHandler, options?: ControlConnectionOptions): Promise<[FakeTor, ControlConnection]> {
  fake = await FakeTor.start(handler);
  connection = await fake.connect(options);
  return [fake, connection];
}

/** A fake tor that answers `GETINFO <key>` with `250-<key>=<key>-value` and everything else with 250 OK. */
const echoInfo: LineHandler = (line, socket) => {
  const key = /^GETINFO (\S+)$/.exec(line)?.[1];
  socket.write(key === undefined ? '250 OK\r\n' : `250-${key}=${key}-value\r\n250 OK\r\n`);
};

const SERVER_KEY = 'Tor safe cookie authentication server-to-controller hash';
const CLIENT_KEY = 'Tor safe cookie authentication controller-to-server hash';

/** Plays tor's side of PROTOCOLINFO + SAFECOOKIE with `cookie`; `lieAboutServerHash` sends a wrong proof. */
function safeCookieTor(cookie: Buffer, cookieFile: string, state: { authenticated: boolean }, lieAboutServerHash = false): LineHandler {
  let expectedClientHash = '';
  return (line, socket) => {
    const [command = '', ...args] = line.split(' ');
    switch (command) {
      case 'PROTOCOLINFO':
        socket.write(
          `250-PROTOCOLINFO 1\r\n250-AUTH METHODS=COOKIE,SAFECOOKIE COOKIEFILE=${JSON.stringify(cookieFile)}\r\n` +
            '250-VERSION Tor="0.4.8.12"\r\n250 OK\r\n',
        );
        return;
      case 'AUTHCHALLENGE': {
        const clientNonce = Buffer.from(args[1] ?? '', 'hex');
        const serverNonce = randomBytes(32);
        const message = Buffer.concat([cookie, clientNonce, serverNonce]);
        const serverHash = lieAboutServerHash ? randomBytes(32) : createHmac('sha256', SERVER_KEY).update(message).digest();
        expectedClientHash = createHmac('sha256', CLIENT_KEY).update(message).digest('hex');
        socket.write(`250 AUTHCHALLENGE SERVERHASH=${serverHash.toString('hex')} SERVERNONCE=${serverNonce.toString('hex')}\r\n`);
        return;
      }
      case 'AUTHENTICATE':
        if (args[0]?.toLowerCase() === expectedClientHash) {
          state.authenticated = true;
          socket.write('250 OK\r\n');
        } else {
          socket.write('515 Authentication failed: Safe cookie response did not match expected value.\r\n');
        }
        return;
      default:
        echoInfo(line, socket);
    }
  };
}

describe('ControlConnection.authenticate', () => {
  it('authenticates with SAFECOOKIE using the cookie file tor names', async () => {
    const cookie = randomBytes(32);
    const cookieFile = join(dir, 'control_auth_cookie');
    await writeFile(cookieFile, cookie);
    const state = { authenticated: false };
    const [tor, control] = await startFake(safeCookieTor(cookie, cookieFile, state));

    await control.authenticate();

    expect(state.authenticated).toBe(true);
    expect(tor.received[0]).toBe('PROTOCOLINFO 1');
    expect(tor.received[1]).toMatch(/^AUTHCHALLENGE SAFECOOKIE [0-9a-f]{64}$/);
    expect(await control.getInfo(['version'])).toEqual({ version: 'version-value' });
  });

  it('uses the cookie file it is given over the one tor names', async () => {
    const cookie = randomBytes(32);
    const cookieFile = join(dir, 'given_cookie');
    await writeFile(cookieFile, cookie);
    const state = { authenticated: false };
    const [, control] = await startFake(safeCookieTor(cookie, join(dir, 'elsewhere'), state));

    await control.authenticate({ cookieFile });

    expect(state.authenticated).toBe(true);
  });

  it('refuses to authenticate when the server hash does not match the cookie', async () => {
    const cookie = randomBytes(32);
    const cookieFile = join(dir, 'control_auth_cookie');
    await writeFile(cookieFile, cookie);
    const [tor, control] = await startFake(safeCookieTor(cookie, cookieFile, { authenticated: false }, true));

    await expect(control.authenticate()).rejects.toThrow(ControlAuthError);
    expect(tor.received.some((line) => line.startsWith('AUTHENTICATE'))).toBe(false);
  });

  it('reports tor refusing our proof as ControlAuthError caused by the 515', async () => {
    const cookie = randomBytes(32);
    const cookieFile = join(dir, 'control_auth_cookie');
    await writeFile(cookieFile, cookie);
    const honest = safeCookieTor(cookie, cookieFile, { authenticated: false });
    const [, control] = await startFake((line, socket) => {
      if (line.startsWith('AUTHENTICATE')) socket.write('515 Authentication failed\r\n');
      else honest(line, socket);
    });

    const failure = await control.authenticate().catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ControlAuthError);
    expect((failure as Error).cause).toBeInstanceOf(TorControlError);
    expect((failure as Error).message).toBe('tor rejected authentication: 515 Authentication failed');
  });

  it('names the path of a missing cookie file', async () => {
    const cookieFile = join(dir, 'missing_cookie');
    const [, control] = await startFake(safeCookieTor(randomBytes(32), cookieFile, { authenticated: false }));

    const failure = control.authenticate();
    await expect(failure).rejects.toThrow(ControlAuthError);
    await expect(failure).rejects.toThrow(cookieFile);
  });

  it('names the path and size of a cookie file that is not 32 bytes', async () => {
    const cookieFile = join(dir, 'short_cookie');
    await writeFile(cookieFile, randomBytes(16));
    const [, control] = await startFake(safeCookieTor(randomBytes(32), cookieFile, { authenticated: false }));

    await expect(control.authenticate()).rejects.toThrow(`"${cookieFile}" is 16 bytes; expected 32`);
  });

  it('falls back to NULL auth when tor offers nothing else', async () => {
    const [tor, control] = await startFake((line, socket) => {
      if (line === 'PROTOCOLINFO 1') socket.write('250-PROTOCOLINFO 1\r\n250-AUTH METHODS=NULL\r\n250 OK\r\n');
      else socket.write('250 OK\r\n');
    });

    await control.authenticate();

    expect(tor.received).toEqual(['PROTOCOLINFO 1', 'AUTHENTICATE']);
  });

  it('sends a password hex-encoded when tor wants HASHEDPASSWORD', async () => {
    const [tor, control] = await startFake((line, socket) => {
      if (line === 'PROTOCOLINFO 1') socket.write('250-PROTOCOLINFO 1\r\n250-AUTH METHODS=HASHEDPASSWORD\r\n250 OK\r\n');
      else socket.write('250 OK\r\n');
    });

    await control.authenticate({ password: 'pa ss"' });

    expect(tor.received[1]).toBe(`AUTHENTICATE ${Buffer.from('pa ss"').toString('hex')}`);
  });

  it('explains which methods tor offered when none can be used', async () => {
    const [, control] = await startFake((_line, socket) => {
      socket.write('250-PROTOCOLINFO 1\r\n250-AUTH METHODS=HASHEDPASSWORD\r\n250 OK\r\n');
    });

    await expect(control.authenticate()).rejects.toThrow(/tor offers HASHEDPASSWORD/);
  });
});

describe('ControlConnection.command', () => {
  it('answers queued commands in order with one command in flight at a time', async () => {
    let outstanding = 0;
    let maxOutstanding = 0;
    const [, control] = await startFake((line, socket) => {
      outstanding += 1;
      maxOutstanding = Math.max(maxOutstanding, outstanding);
      setTimeout(() => {
        outstanding -= 1;
        socket.write(`250 ${line}\r\n`);
      }, 5);
    });

    const replies = await Promise.all(['GETINFO a', 'GETINFO b', 'GETINFO c', 'GETINFO d'].map((line) => control.command(line)));

    expect(replies.map((reply) => reply.lines[0]?.text)).toEqual(['GETINFO a', 'GETINFO b', 'GETINFO c', 'GETINFO d']);
    expect(maxOutstanding).toBe(1);
  });

  it('emits 650 events that arrive between replies without disturbing commands', async () => {
    const [, control] = await startFake((line, socket) => {
      if (line === 'GETINFO a') {
        socket.write('650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=50 TAG=loading_descriptors SUMMARY="Loading relay descriptors"\r\n');
        socket.write('250-a=1\r\n');
        socket.write('250 OK\r\n650-CONF_CHANGED\r\n650-SocksPort=9050\r\n650 OK\r\n');
      } else {
        socket.write('650 HS_DESC UPLOADED pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd UNKNOWN $AAAA~relay\r\n250-b=2\r\n250 OK\r\n');
      }
    });
    const events: ControlEvent[] = [];
    control.on('event', (event) => events.push(event));

    const [a, b] = await Promise.all([control.getInfo(['a']), control.getInfo(['b'])]);

    expect(a).toEqual({ a: '1' });
    expect(b).toEqual({ b: '2' });
    expect(events.map((event) => event.type)).toEqual(['STATUS_CLIENT', 'CONF_CHANGED', 'HS_DESC']);
    expect(events[0]?.args.keywords.get('PROGRESS')).toBe('50');
    expect(events[1]?.lines[1]?.text).toBe('SocksPort=9050');
    expect(events[2]?.args.positional[0]).toBe('UPLOADED');
  });

  it('rejects a 552 reply with TorControlError carrying code and text, and keeps working', async () => {
    const [, control] = await startFake((line, socket) => {
      socket.write(line === 'GETINFO bogus' ? '552 Unrecognized key "bogus"\r\n' : '250-version=0.4.8.12\r\n250 OK\r\n');
    });

    const failure = await control.command('GETINFO bogus').catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(TorControlError);
    expect(failure).toMatchObject({ statusCode: 552, torMessage: 'Unrecognized key "bogus"' });
    expect((failure as Error).message).toBe('tor refused "GETINFO bogus": 552 Unrecognized key "bogus"');
    expect(await control.getInfo(['version'])).toEqual({ version: '0.4.8.12' });
  });

  it('never puts ADD_ONION key material into a TorControlError', async () => {
    const [, control] = await startFake((_line, socket) => {
      socket.write('550 Onion address collision\r\n');
    });

    const failure = control.command('ADD_ONION ED25519-V3:U0VDUkVUS0VZ Flags=DiscardPK Port=9878,unix:/tmp/s');

    await expect(failure).rejects.toThrow('tor refused "ADD_ONION": 550 Onion address collision');
  });

  it('refuses commands containing CR or LF and sends nothing', async () => {
    const [tor, control] = await startFake(echoInfo);

    await expect(control.command('GETINFO version\r\nSIGNAL SHUTDOWN')).rejects.toThrow(InvalidControlCommandError);
    await expect(control.command('SIGNAL NEWNYM\n')).rejects.toThrow(InvalidControlCommandError);
    await control.command('GETINFO version');

    expect(tor.received).toEqual(['GETINFO version']);
  });

  it('times out a command, closes the connection and fails the commands queued behind it', async () => {
    const [, control] = await startFake((line, socket) => {
      if (line !== 'GETINFO slow') socket.write('250 OK\r\n');
    });
    const closed = once(control, 'close');

    const slow = expect(control.command('GETINFO slow', { timeoutMs: 50 })).rejects.toThrow(ControlTimeoutError);
    const queued = expect(control.command('GETINFO next')).rejects.toThrow(ControlClosedError);

    await slow;
    await queued;
    const [error] = (await closed) as [Error | undefined];
    expect(error).toBeInstanceOf(ControlTimeoutError);
    expect(control.closed).toBe(true);
    await expect(control.command('GETINFO version')).rejects.toThrow(ControlClosedError);
  });

  it('fails a pending command when tor closes mid-reply, and reports the protocol error', async () => {
    const [, control] = await startFake((_line, socket) => {
      socket.end('250-version=0.4.8.12\r\n');
    });
    const closed = once(control, 'close');

    await expect(control.command('GETINFO version')).rejects.toThrow(ControlClosedError);
    const [error] = (await closed) as [Error | undefined];
    expect(error).toBeInstanceOf(ControlProtocolError);
  });

  it('reports an unterminated data block when tor closes inside it', async () => {
    const [, control] = await startFake((_line, socket) => {
      socket.end('250+config-text=\r\nSocksPort 9050\r\n');
    });
    const closed = once(control, 'close');

    await expect(control.command('GETINFO config-text')).rejects.toThrow(ControlClosedError);
    const [error] = (await closed) as [Error | undefined];
    expect(error?.message).toMatch(/unterminated data block/);
  });

  it('closes on a malformed reply and rejects the pending command with the cause attached', async () => {
    const [, control] = await startFake((_line, socket) => {
      socket.write('25x nonsense\r\n');
    });

    const failure = await control.command('GETINFO version').catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ControlClosedError);
    expect((failure as Error).cause).toBeInstanceOf(ControlProtocolError);
  });

  it('closes when tor sends a reply nobody asked for', async () => {
    const [tor, control] = await startFake(echoInfo);
    const closed = once(control, 'close');
    await control.command('GETINFO x');

    tor.sockets[0]?.write('250 OK\r\n');

    const [error] = (await closed) as [Error | undefined];
    expect(error?.message).toMatch(/no command was waiting/);
  });

  it('closes when a line exceeds maxLineBytes', async () => {
    const [, control] = await startFake((_line, socket) => {
      socket.write(`250 ${'x'.repeat(5000)}`);
    }, { maxLineBytes: 1024 });

    const failure = await control.command('GETINFO big').catch((error: unknown) => error);

    expect((failure as Error).cause).toBeInstanceOf(ControlProtocolError);
  });

  it('sends data commands in the multi-line form', async () => {
    const [tor, control] = await startFake((line, socket) => {
      if (line === '.') socket.write('250 OK\r\n');
    });

    await control.command('LOADCONF', { data: 'SocksPort 0\n.dot\n' });

    expect(tor.received).toEqual(['+LOADCONF', 'SocksPort 0', '..dot', '.']);
  });
});

describe('ControlConnection helpers', () => {
  it('getInfo reads key=value lines and data blocks together', async () => {
    const [tor, control] = await startFake((_line, socket) => {
      socket.write('250-version=0.4.8.12\r\n250+config-text=\r\nSocksPort 9050\r\n..x\r\n.\r\n250 OK\r\n');
    });

    expect(await control.getInfo(['version', 'config-text'])).toEqual({ version: '0.4.8.12', 'config-text': 'SocksPort 9050\n.x' });
    expect(tor.received).toEqual(['GETINFO version config-text']);
  });

  it('getInfo rejects a reply that lacks a requested key', async () => {
    const [, control] = await startFake(echoInfo);

    await expect(control.getInfo(['a', 'b'])).rejects.toThrow(/tor's GETINFO reply has no value for "a"/);
  });

  it('setEvents, signal and takeOwnership send the expected lines', async () => {
    const [tor, control] = await startFake(echoInfo);

    await control.setEvents(['STATUS_CLIENT', 'HS_DESC']);
    await control.signal('NEWNYM');
    await control.takeOwnership();
    await control.setEvents([]);

    expect(tor.received).toEqual(['SETEVENTS STATUS_CLIENT HS_DESC', 'SIGNAL NEWNYM', 'TAKEOWNERSHIP', 'SETEVENTS']);
  });

  it('refuses event and signal names that are not keywords', async () => {
    const [tor, control] = await startFake(echoInfo);

    await expect(control.setEvents(['CIRC STREAM'])).rejects.toThrow(InvalidControlCommandError);
    await expect(control.signal('SHUTDOWN\r\nX')).rejects.toThrow(InvalidControlCommandError);
    expect(tor.received).toEqual([]);
  });
});

describe('ControlConnection lifecycle', () => {
  it('close is idempotent, fires close once and fails later commands', async () => {
    const [, control] = await startFake(echoInfo);
    let closes = 0;
    control.on('close', () => {
      closes += 1;
    });

    await Promise.all([control.close(), control.close()]);
    await control.close();

    expect(closes).toBe(1);
    await expect(control.command('GETINFO version')).rejects.toThrow(ControlClosedError);
  });

  it('rejects a command in flight when we close', async () => {
    const [, control] = await startFake(() => undefined);

    const pending = expect(control.command('GETINFO never')).rejects.toThrow(/closed before "GETINFO never" was answered/);
    await control.close();

    await pending;
  });

  it('reports a port where nothing listens as ControlClosedError', async () => {
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));

    await expect(ControlConnection.connect({ host: '127.0.0.1', port })).rejects.toThrow(ControlClosedError);
  });

  it.skipIf(process.platform === 'win32')('connects over a unix socket', async () => {
    const path = join(dir, 'control.sock');
    const server = createServer((socket) => {
      socket.on('data', () => socket.write('250-version=0.4.8.12\r\n250 OK\r\n'));
    }).listen(path);
    await once(server, 'listening');
    try {
      const control = await ControlConnection.connect({ path });
      expect(await control.getInfo(['version'])).toEqual({ version: '0.4.8.12' });
      await control.close();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
