// Proves the private Tor network works without any Allium code: a bare onion service echo, stop() and owner-death cleanup.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SocksClient } from 'socks';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startClientTor, type ClientTor } from './test/client-tor.js';
import { waitFor } from './test/wait-for.js';
import { startTestnet } from './testnet.js';
import { ProcessGroup } from './testnet/process-group.js';
import { processLines, torrcText } from './testnet/torrc.js';

/** Just enough of the control protocol for these tests: commands with one-line replies, and 650 events. */
class MinimalControl {
  readonly #socket: Socket;
  readonly #replies: ((line: string) => void)[] = [];
  readonly #events: string[] = [];

  private constructor(socket: Socket) {
    this.#socket = socket;
    createInterface({ input: socket }).on('line', (line) => {
      if (line.startsWith('650')) this.#events.push(line);
      else if (/^\d{3} /.test(line)) this.#replies.shift()?.(line);
    });
  }

  static async open(client: ClientTor): Promise<MinimalControl> {
    const cookie = await waitFor(() => readFile(client.cookieFile), { what: `${client.tor.name}'s control cookie`, timeoutMs: 30_000 });
    const socket = await waitFor(
      () =>
        new Promise<Socket>((resolve, reject) => {
          const s = createConnection(client.controlPort, '127.0.0.1', () => resolve(s)).once('error', reject);
        }),
      { what: `${client.tor.name}'s control port`, timeoutMs: 30_000 },
    );
    const control = new MinimalControl(socket);
    await control.command(`AUTHENTICATE ${cookie.toString('hex')}`);
    return control;
  }

  /** Sends one command and resolves with its final reply line; rejects unless it is 250. */
  command(line: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#replies.push((reply) => (reply.startsWith('250') ? resolve(reply) : reject(new Error(`${line.split(' ')[0]!}: ${reply}`))));
      this.#socket.write(`${line}\r\n`);
    });
  }

  waitForEvent(pattern: RegExp, timeoutMs: number): Promise<string> {
    return waitFor(() => this.#events.find((event) => pattern.test(event)), { what: `a control event matching ${pattern}`, timeoutMs });
  }

  close(): void {
    this.#socket.destroy();
  }
}

function readExactly(socket: Socket, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      received += chunk.length;
      if (received >= length) {
        socket.off('data', onData);
        resolve(Buffer.concat(chunks));
      }
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error(`stream closed after ${received} of ${length} bytes`)));
    socket.once('error', reject);
  });
}

function pgrep(pattern: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    execFile('pgrep', ['-f', pattern], (error, stdout) => {
      // pgrep exits 1 when nothing matches.
      if (error === null || error.code === 1) resolve(stdout.split('\n').filter((line) => line !== '').map(Number));
      else reject(new Error(`pgrep -f ${pattern} failed`, { cause: error }));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the private Tor network', () => {
  let workDir: string;
  let group: ProcessGroup;
  let echoServer: Server;
  let echoPort: number;
  const receivedByService: Buffer[] = [];

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'allium-testnet-test-'));
    group = new ProcessGroup(() => rm(workDir, { recursive: true, force: true }));
    echoServer = createServer((socket) => {
      socket.on('data', (chunk: Buffer) => receivedByService.push(chunk));
      socket.pipe(socket);
    });
    await new Promise<void>((resolve) => echoServer.listen(0, '127.0.0.1', resolve));
    const address = echoServer.address();
    if (address === null || typeof address === 'string') throw new Error('echo server has no port');
    echoPort = address.port;
  });

  afterAll(async () => {
    await group?.stop();
    await new Promise((resolve) => echoServer?.close(resolve));
  });

  it('carries bytes both ways between two clients through an onion service', async () => {
    const networkLines = inject('testnetTorrcLines');
    expect(networkLines).toContain('TestingTorNetwork 1');
    const hsDir = join(workDir, 'onion-service');
    const service = await startClientTor(group, {
      name: 'service',
      parentDir: workDir,
      networkLines,
      // Network off until we listen for HS_DESC, so the upload event cannot be missed.
      extraLines: ['DisableNetwork 1', `HiddenServiceDir ${hsDir}`, `HiddenServicePort 80 127.0.0.1:${echoPort}`],
    });
    const visitor = await startClientTor(group, { name: 'visitor', parentDir: workDir, networkLines });
    const visitorStartedAt = Date.now();
    const visitorBootstrapped = visitor.tor.waitForLine(/Bootstrapped 100%/).then(() => Date.now() - visitorStartedAt);

    const control = await MinimalControl.open(service);
    try {
      const hostname = (await waitFor(() => readFile(join(hsDir, 'hostname'), 'utf8'), { what: 'the onion hostname file', timeoutMs: 30_000 })).trim();
      const serviceId = hostname.replace(/\.onion$/, '');
      await control.command('SETEVENTS HS_DESC');
      await control.command('SETCONF DisableNetwork=0');
      const startedAt = Date.now();
      await control.waitForEvent(new RegExp(`^650 HS_DESC UPLOADED ${serviceId} `), 120_000);
      console.log(`descriptor of ${hostname} uploaded after ${Date.now() - startedAt} ms`);
      console.log(`visitor bootstrapped in ${await visitorBootstrapped} ms`);

      const connectedAt = Date.now();
      const { socket } = await waitFor(
        () =>
          SocksClient.createConnection({
            proxy: { host: '127.0.0.1', port: visitor.socksPort, type: 5 },
            command: 'connect',
            destination: { host: hostname, port: 80 },
            timeout: 30_000,
          }),
        { what: `a SOCKS connection to ${hostname}`, timeoutMs: 90_000, intervalMs: 1_000 },
      );
      console.log(`connected to ${hostname} after ${Date.now() - connectedAt} ms`);
      try {
        const payload = randomBytes(16 * 1024);
        const echoed = readExactly(socket, payload.length);
        socket.write(payload);
        expect((await echoed).equals(payload)).toBe(true);
        expect(Buffer.concat(receivedByService).equals(payload)).toBe(true);
      } finally {
        socket.destroy();
      }
    } finally {
      control.close();
    }
  });

  it('stop() leaves no tor process of its network behind', async () => {
    const testnet = await startTestnet({ authorities: 1, relays: 3 });
    const pids = await pgrep(testnet.dir);
    expect(pids.length).toBe(4);
    expect(pids.every(isAlive)).toBe(true);
    await Promise.all([testnet.stop(), testnet.stop()]);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(await pgrep(testnet.dir)).toEqual([]);
  });

  it('a tor exits by itself once its __OwningControllerProcess is gone, without a control connection', async () => {
    const owner = spawn('sleep', ['600'], { stdio: 'ignore' });
    const dataDir = join(workDir, 'orphan');
    await mkdir(dataDir, { mode: 0o700 });
    const torrc = join(dataDir, 'torrc');
    await writeFile(torrc, torrcText([...processLines(dataDir, owner.pid!), 'SocksPort 0', 'DisableNetwork 1']));
    const tor = group.spawn('orphan', 'tor', torrc);
    try {
      await tor.waitForLine(/DisableNetwork is set/);
      owner.kill('SIGKILL');
      // tor polls the owner every 15 s.
      const exit = await Promise.race([tor.exited, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 30_000))]);
      expect(exit).not.toBe('still running');
      expect(tor.tail.join('\n')).toMatch(/Owning controller process has vanished/);
    } finally {
      owner.kill('SIGKILL');
      await tor.stop();
    }
  });
});
