// The pinned table of Tor Expert Bundles (resources/tor-bundles.json): which file to fetch for a platform and the SHA-256 it must have.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { BundleTableError, NoPinnedBundleError } from './errors.js';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 is 64 lowercase hex digits');

const tableSchema = z.object({
  comment: z.string().optional(),
  version: z.string().min(1),
  baseUrl: z.url({ protocol: /^https$/ }).refine((url) => url.endsWith('/'), 'baseUrl must end with /'),
  bundles: z.record(
    z.string().regex(/^[a-z0-9]+-[a-z0-9]+$/, 'keys are <platform>-<arch>'),
    z.object({ file: z.string().regex(/^[\w.-]+\.tar\.gz$/, 'a plain .tar.gz file name'), sha256: sha256.nullable() }).strict(),
  ),
});

export type BundleTable = z.output<typeof tableSchema>;

export interface PinnedBundle {
  /** `<platform>-<arch>`, as Node names them: the folder under resources/tor/. */
  readonly target: string;
  readonly version: string;
  readonly url: string;
  readonly file: string;
  readonly sha256: string;
}

export function readBundleTable(path: string): BundleTable {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new BundleTableError(`cannot read the pinned bundle table ${path}`, { cause: error });
  }
  const parsed = tableSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BundleTableError(`${path} is invalid at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'unknown problem'}`);
  }
  return parsed.data;
}

/** The bundle for one platform, or NoPinnedBundleError when the table has no hash for it (never fetch unpinned). */
export function pinnedBundle(table: BundleTable, tableFile: string, platform: string, arch: string): PinnedBundle {
  const target = `${platform}-${arch}`;
  const entry = table.bundles[target];
  if (entry === undefined || entry.sha256 === null) throw new NoPinnedBundleError(target, tableFile);
  return { target, version: table.version, url: `${table.baseUrl}${entry.file}`, file: entry.file, sha256: entry.sha256 };
}
