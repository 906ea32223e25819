// Fetches the Electron runtime into the electron package: @electron/get downloads and checks the zip into Electron's cache (with progress and a stall timeout), then electron's own install script unpacks it from there.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { downloadArtifact } from '@electron/get';
import { ElectronRuntimeFetchError } from './errors.js';

export interface FetchRuntimeOptions {
  /** The electron package to fill (default: the installed one). */
  readonly packageDir?: string;
  /** Electron's download cache (default: `electron_config_cache` or the OS cache folder, as for electron's install script). */
  readonly cacheRoot?: string;
  /** A download that receives nothing for this long is given up. */
  readonly stallTimeoutMs?: number;
  /** How long unpacking the downloaded zip may take. */
  readonly unpackTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

const STALL_TIMEOUT_MS = 30_000;
const UNPACK_TIMEOUT_MS = 180_000;
const MEGABYTE = 1024 * 1024;

export interface ElectronPackage {
  readonly version: string;
  /** SHA-256 of every release artifact, shipped inside the npm package: what the download is checked against. */
  readonly checksums: Record<string, string>;
}

export function readElectronPackage(packageDir: string): ElectronPackage {
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof version !== 'string') throw new ElectronRuntimeFetchError(`${packageDir}/package.json names no version`);
  const checksums = JSON.parse(readFileSync(join(packageDir, 'checksums.json'), 'utf8')) as Record<string, string>;
  return { version, checksums };
}

interface Progress {
  readonly transferred: number;
  readonly total: number | null;
}

/** Prints one line per tenth of the download (or per 10 MB when the size is unknown): readable in a terminal and in a log. */
function progressPrinter(label: string, log: (line: string) => void): (progress: Progress) => void {
  let printedStep = -1;
  const megabytes = (bytes: number): string => (bytes / MEGABYTE).toFixed(0);
  return ({ transferred, total }) => {
    const step = total !== null && total > 0 ? Math.floor((transferred / total) * 10) : Math.floor(transferred / (10 * MEGABYTE));
    if (step === printedStep) return;
    printedStep = step;
    log(total !== null && total > 0 ? `${label}: ${step * 10}% (${megabytes(transferred)} of ${megabytes(total)} MB)` : `${label}: ${megabytes(transferred)} MB`);
  };
}

function explain(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}

/** Downloads the zip into the cache, checked against the package's checksums; resolves when it is there. */
async function downloadZip(pkg: ElectronPackage, platform: string, arch: string, options: FetchRuntimeOptions): Promise<void> {
  const log = options.log ?? console.log;
  const stallTimeoutMs = options.stallTimeoutMs ?? STALL_TIMEOUT_MS;
  const source = process.env.ELECTRON_MIRROR ?? 'Electron’s GitHub releases';
  log(`Downloading the Electron ${pkg.version} runtime for ${platform}-${arch} from ${source} (once; about 100 MB)…`);
  const printProgress = progressPrinter(`Electron ${pkg.version}`, log);
  const stalled = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const restartStallTimer = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => stalled.abort(), stallTimeoutMs);
  };
  restartStallTimer();
  try {
    await downloadArtifact({
      version: pkg.version,
      artifactName: 'electron',
      platform,
      arch,
      checksums: pkg.checksums,
      cacheRoot: options.cacheRoot ?? process.env.electron_config_cache,
      downloadOptions: {
        quiet: true,
        signal: stalled.signal,
        getProgressCallback: (progress: Progress) => {
          restartStallTimer();
          printProgress(progress);
        },
      },
    });
  } catch (error) {
    const why = stalled.signal.aborted ? `nothing arrived for ${Math.round(stallTimeoutMs / 1000)} s` : explain(error);
    throw new ElectronRuntimeFetchError(`could not download the Electron ${pkg.version} runtime (${why})`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/** Electron's install script finds the zip in the cache (checking it again) and unpacks it into dist/, writing path.txt. */
function unpack(packageDir: string, options: FetchRuntimeOptions): Promise<void> {
  const timeoutMs = options.unpackTimeoutMs ?? UNPACK_TIMEOUT_MS;
  const env = options.cacheRoot === undefined ? process.env : { ...process.env, electron_config_cache: options.cacheRoot };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(packageDir, 'install.js')], { cwd: packageDir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-2_000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new ElectronRuntimeFetchError('could not run electron’s install script', { cause: error }));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else if (signal === 'SIGKILL') reject(new ElectronRuntimeFetchError(`unpacking the Electron runtime took longer than ${Math.round(timeoutMs / 1000)} s`));
      else reject(new ElectronRuntimeFetchError(`electron’s install script failed (exit ${code ?? signal}): ${stderr.trim().split('\n')[0] ?? ''}`));
    });
  });
}

/** Downloads (with progress) and unpacks the runtime of the electron package in `packageDir`; throws ElectronRuntimeFetchError. */
export async function fetchElectronRuntime(options: FetchRuntimeOptions & { readonly packageDir: string }): Promise<void> {
  const pkg = readElectronPackage(options.packageDir);
  // The same choice of target as electron's install script, so that it finds our download in the cache.
  const platform = process.env.ELECTRON_INSTALL_PLATFORM ?? process.env.npm_config_platform ?? process.platform;
  const arch = process.env.ELECTRON_INSTALL_ARCH ?? process.env.npm_config_arch ?? process.arch;
  await downloadZip(pkg, platform, arch, options);
  await unpack(options.packageDir, options);
  (options.log ?? console.log)(`Electron ${pkg.version} is ready.`);
}
