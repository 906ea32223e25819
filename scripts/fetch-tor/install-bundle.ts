// Verify, then unpack: a bundle reaches resources/tor/ only when its SHA-256 matches the pinned one.
import { join } from 'node:path';
import type { PinnedBundle } from './bundle-table.js';
import { verifySha256 } from './checksum.js';
import { unpackBundle } from './unpack.js';

/** Returns the folder tor was installed in: `<torResourcesDir>/<platform>-<arch>`. */
export async function installBundle(bundle: PinnedBundle, archive: string, torResourcesDir: string): Promise<string> {
  await verifySha256(archive, bundle.sha256);
  const target = join(torResourcesDir, bundle.target);
  await unpackBundle(archive, target);
  return target;
}
