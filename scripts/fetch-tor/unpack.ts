// Unpacks a verified Tor Expert Bundle with the system tar (no shell) into resources/tor/<platform>-<arch>/: tor, its libraries, pluggable transports and data.
import { spawn } from 'node:child_process';
import { cp, lstat, mkdir, mkdtemp, readdir, readlink, rename, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UnsafeArchiveError } from './errors.js';

function runTar(args: readonly string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('tar', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', (error) => reject(new UnsafeArchiveError('could not run the system tar', { cause: error })));
    child.once('close', (code) => {
      if (code === 0) resolvePromise(Buffer.concat(out).toString('utf8'));
      else reject(new UnsafeArchiveError(`tar ${args[0] ?? ''} failed (exit ${code}): ${Buffer.concat(err).toString('utf8').trim()}`));
    });
  });
}

/** Entry names must stay inside the folder they are unpacked in. */
function checkEntryNames(listing: string): void {
  for (const name of listing.split('\n').filter((line) => line !== '')) {
    if (isAbsolute(name) || /^[a-zA-Z]:/.test(name) || name.split(/[\\/]/).includes('..')) {
      throw new UnsafeArchiveError(`the archive has an entry that escapes its folder: ${name}`);
    }
  }
}

/** Symlinks are allowed only when they point inside the unpacked tree. */
async function checkLinks(root: string, dir: string = root): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) {
      const target = resolve(dirname(path), await readlink(path));
      if (target !== root && !target.startsWith(root + sep)) throw new UnsafeArchiveError(`the archive links ${relative(root, path)} outside itself`);
    } else if (entry.isDirectory()) {
      await checkLinks(root, path);
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The bundle holds `tor/` (the binary, its libraries, `pluggable_transports/`) and `data/` (geoip files); they become
 * `<targetDir>/tor`, `<targetDir>/pluggable_transports/…` and `<targetDir>/data/`. The new folder is assembled beside the
 * target and swapped in with one rename, so a failure leaves the previous install untouched.
 */
export async function unpackBundle(archive: string, targetDir: string): Promise<void> {
  checkEntryNames(await runTar(['-tzf', archive]));
  const parent = dirname(targetDir);
  await mkdir(parent, { recursive: true });
  const staging = await mkdtemp(join(parent, '.unpack-'));
  try {
    const extracted = join(staging, 'extracted');
    await mkdir(extracted);
    await runTar(['-xzf', archive, '-C', extracted]);
    await checkLinks(extracted);
    const torDir = join(extracted, 'tor');
    if (!(await exists(join(torDir, 'tor'))) && !(await exists(join(torDir, 'tor.exe')))) {
      throw new UnsafeArchiveError('the archive has no tor/tor or tor/tor.exe: not a Tor Expert Bundle');
    }
    const assembled = join(staging, 'assembled');
    await rename(torDir, assembled);
    const dataDir = join(extracted, 'data');
    if (await exists(dataDir)) await cp(dataDir, join(assembled, 'data'), { recursive: true, verbatimSymlinks: true });
    const previous = join(staging, 'previous');
    const hadPrevious = await exists(targetDir);
    if (hadPrevious) await rename(targetDir, previous);
    try {
      await rename(assembled, targetDir);
    } catch (error) {
      if (hadPrevious) await rename(previous, targetDir);
      throw error;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
