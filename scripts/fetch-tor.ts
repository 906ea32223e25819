// `npm run fetch-tor -- [--platform linux|darwin|win32] [--arch x64|arm64|ia32] [--archive file.tar.gz]`: installs the pinned Tor Expert Bundle into resources/tor/<platform>-<arch>/.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { pinnedBundle, readBundleTable } from './fetch-tor/bundle-table.js';
import { downloadFile } from './fetch-tor/download.js';
import { installBundle } from './fetch-tor/install-bundle.js';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const tableFile = join(repoRoot, 'resources', 'tor-bundles.json');
const torResourcesDir = join(repoRoot, 'resources', 'tor');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { platform: { type: 'string', default: process.platform }, arch: { type: 'string', default: process.arch }, archive: { type: 'string' } },
    strict: true,
  });
  const bundle = pinnedBundle(readBundleTable(tableFile), tableFile, values.platform, values.arch);
  if (values.archive !== undefined) {
    console.log(`Verifying ${values.archive} against the pinned SHA-256 of ${bundle.file}…`);
    console.log(`Installed tor ${bundle.version} in ${await installBundle(bundle, values.archive, torResourcesDir)}`);
    return;
  }
  const work = await mkdtemp(join(tmpdir(), 'allium-fetch-tor-'));
  try {
    const archive = join(work, bundle.file);
    console.log(`Downloading ${bundle.url}…`);
    await downloadFile(bundle.url, archive);
    console.log(`Installed tor ${bundle.version} in ${await installBundle(bundle, archive, torResourcesDir)}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`fetch-tor: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
