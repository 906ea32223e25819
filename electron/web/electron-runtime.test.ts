// Finding and fetching the Electron runtime: a copy of the electron package fetches from a mirror on 127.0.0.1 (ELECTRON_MIRROR) serving a fake runtime zip, since the real one cannot be downloaded or run here.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readElectronPackage } from './electron-runtime-fetch.js';
import { electronPackageDir, findElectronRuntime, nodeTooOldReason, prepareElectronRuntime } from './electron-runtime.js';
import { REPO_ROOT } from './repo-paths.js';
import { storedZip } from './test/stored-zip.js';

const REAL_PACKAGE = electronPackageDir();
const VERSION = readElectronPackage(REAL_PACKAGE).version;
const ARTIFACT = `electron-v${VERSION}-${process.platform}-${process.arch}.zip`;
/** Where each platform's zip keeps the executable (what electron's install script writes to path.txt). */
const EXECUTABLE = process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : process.platform === 'win32' ? 'electron.exe' : 'electron';
/** Big enough for several progress lines. */
const FAKE_ZIP = storedZip([
  { name: EXECUTABLE, data: Buffer.from('#!/bin/sh\necho "a fake Electron"\n'), mode: 0o755 },
  { name: 'version', data: Buffer.from(VERSION) },
  { name: 'resources.pak', data: randomBytes(2 * 1024 * 1024) },
]);
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
const NEW_ENOUGH = { nodeVersion: '99.0.0', forgeNodeRange: '>= 22.13.0' };

type Behaviour = 'serve' | 'stall' | 'missing';

let root: string;
let server: Server;
let behaviour: Behaviour;
let artifactRequests: number;
const sockets = new Set<Socket>();

function answer(response: ServerResponse): void {
  if (behaviour === 'missing') {
    response.writeHead(404).end('Not Found');
    return;
  }
  response.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': String(FAKE_ZIP.length) });
  if (behaviour === 'stall') {
    // A start, then silence: the connection stays open and nothing more comes.
    response.write(FAKE_ZIP.subarray(0, 64 * 1024));
    return;
  }
  let offset = 0;
  const writeMore = (): void => {
    while (offset < FAKE_ZIP.length) {
      const chunk = FAKE_ZIP.subarray(offset, offset + 64 * 1024);
      offset += chunk.length;
      if (!response.write(chunk)) {
        response.once('drain', writeMore);
        return;
      }
    }
    response.end();
  };
  writeMore();
}

/** A copy of the installed electron package (its real install.js) whose checksums.json vouches for `checksum`. */
async function electronPackageCopy(checksum: string): Promise<string> {
  const dir = join(root, 'electron');
  await mkdir(dir);
  await copyFile(join(REAL_PACKAGE, 'package.json'), join(dir, 'package.json'));
  await copyFile(join(REAL_PACKAGE, 'install.js'), join(dir, 'install.js'));
  await writeFile(join(dir, 'checksums.json'), JSON.stringify({ [ARTIFACT]: checksum }));
  // install.js requires @electron/get and the zip extractor from the node_modules beside it.
  await symlink(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'junction');
  return dir;
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'allium-electron-runtime-'));
  behaviour = 'serve';
  artifactRequests = 0;
  server = createServer((request, response) => {
    if (request.url !== `/v${VERSION}/${ARTIFACT}`) {
      response.writeHead(404).end();
      return;
    }
    artifactRequests += 1;
    answer(response);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  vi.stubEnv('ELECTRON_MIRROR', `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(root, { recursive: true, force: true });
});

describe('prepareElectronRuntime', () => {
  it('downloads a missing runtime with progress, unpacks it with electron’s own install script and finds it', async () => {
    const packageDir = await electronPackageCopy(sha256(FAKE_ZIP));
    const lines: string[] = [];
    const runtime = await prepareElectronRuntime({ ...NEW_ENOUGH, packageDir, cacheRoot: join(root, 'cache'), log: (line) => lines.push(line) });

    expect(runtime).toEqual({ found: true, path: join(packageDir, 'dist', EXECUTABLE) });
    expect(await readFile(join(packageDir, 'path.txt'), 'utf8')).toBe(EXECUTABLE);
    expect(lines[0]).toContain(`Downloading the Electron ${VERSION} runtime`);
    expect(lines.filter((line) => /: \d+% \(/.test(line)).length).toBeGreaterThanOrEqual(3);
    expect(lines).toContain(`Electron ${VERSION}: 100% (2 of 2 MB)`);
    // The install script took the checked zip from the cache instead of downloading it again.
    expect(artifactRequests).toBe(1);
  });

  it('refuses a download whose checksum differs from the one the electron package ships', async () => {
    const packageDir = await electronPackageCopy(sha256(Buffer.from('another zip')));
    const runtime = await prepareElectronRuntime({ ...NEW_ENOUGH, packageDir, cacheRoot: join(root, 'cache'), log: () => undefined });

    expect(runtime).toEqual({ found: false, reason: expect.stringMatching(/could not download the Electron .* runtime \(.*checksum/) as unknown });
    expect(existsSync(join(packageDir, 'path.txt'))).toBe(false);
  });

  it('gives up on a download that stops sending', async () => {
    behaviour = 'stall';
    const packageDir = await electronPackageCopy(sha256(FAKE_ZIP));
    const options = { ...NEW_ENOUGH, packageDir, cacheRoot: join(root, 'cache'), stallTimeoutMs: 1_000, log: () => undefined };
    const runtime = await prepareElectronRuntime(options);

    expect(runtime).toEqual({ found: false, reason: expect.stringContaining('nothing arrived for 1 s') as unknown });
  });

  it('explains a mirror that does not have the runtime', async () => {
    behaviour = 'missing';
    const packageDir = await electronPackageCopy(sha256(FAKE_ZIP));
    const runtime = await prepareElectronRuntime({ ...NEW_ENOUGH, packageDir, cacheRoot: join(root, 'cache'), log: () => undefined });

    expect(runtime).toEqual({ found: false, reason: expect.stringContaining('404') as unknown });
  });

  it('downloads nothing when this Node cannot run Electron Forge', async () => {
    const packageDir = await electronPackageCopy(sha256(FAKE_ZIP));
    const runtime = await prepareElectronRuntime({ nodeVersion: 'v20.20.2', forgeNodeRange: '>= 22.13.0', packageDir, log: () => undefined });

    expect(runtime).toEqual({ found: false, reason: 'Electron Forge needs Node.js 22.13.0 or newer and this is Node.js 20.20.2' });
    expect(artifactRequests).toBe(0);
  });

  it('uses a runtime that is already there without downloading', async () => {
    const packageDir = await electronPackageCopy(sha256(FAKE_ZIP));
    await mkdir(join(packageDir, 'dist'));
    await writeFile(join(packageDir, 'dist', 'electron-binary'), '');
    await writeFile(join(packageDir, 'dist', 'version'), `v${VERSION}`);
    await writeFile(join(packageDir, 'path.txt'), 'electron-binary');

    expect(await prepareElectronRuntime({ ...NEW_ENOUGH, packageDir })).toEqual({ found: true, path: join(packageDir, 'dist', 'electron-binary') });
    expect(artifactRequests).toBe(0);
  });
});

describe('findElectronRuntime', () => {
  it('reports a runtime that was never downloaded, without starting a download', async () => {
    const packageDir = await electronPackageCopy(sha256(FAKE_ZIP));
    expect(findElectronRuntime(packageDir)).toEqual({ found: false, reason: 'the Electron runtime has not been downloaded yet' });
    expect(artifactRequests).toBe(0);
  });

  it('does not take a runtime left from another Electron version', async () => {
    const packageDir = await electronPackageCopy(sha256(FAKE_ZIP));
    await mkdir(join(packageDir, 'dist'));
    await writeFile(join(packageDir, 'dist', 'electron'), '');
    await writeFile(join(packageDir, 'dist', 'version'), '41.7.1');
    await writeFile(join(packageDir, 'path.txt'), 'electron');

    expect(findElectronRuntime(packageDir)).toEqual({ found: false, reason: `the Electron runtime in ${packageDir}/dist is 41.7.1, not ${VERSION}` });
  });

  it('explains a path.txt that names a missing binary', async () => {
    const packageDir = await electronPackageCopy(sha256(FAKE_ZIP));
    await writeFile(join(packageDir, 'path.txt'), 'electron');
    expect(findElectronRuntime(packageDir)).toEqual({ found: false, reason: expect.stringContaining('does not exist') as unknown });
  });
});

describe('nodeTooOldReason', () => {
  it.each([
    ['22.13.0', undefined],
    ['v24.1.0', undefined],
    ['22.12.9', 'Electron Forge needs Node.js 22.13.0 or newer and this is Node.js 22.12.9'],
    ['20.20.2', 'Electron Forge needs Node.js 22.13.0 or newer and this is Node.js 20.20.2'],
  ])('Node %s against >= 22.13.0', (node, reason) => {
    expect(nodeTooOldReason(node, '>= 22.13.0')).toBe(reason);
  });

  it('leaves a range it cannot read to Forge', () => {
    expect(nodeTooOldReason('20.0.0', '^22.13.0 || >=24')).toBeUndefined();
  });
});
