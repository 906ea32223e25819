// Turns the user's bridge lines into torrc lines, pointing each pluggable transport at a binary we can find.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { quoteTorrcValue } from './torrc.js';

/** Transport names each client binary provides, as the Tor Expert Bundle ships them. */
const TRANSPORT_BINARIES: readonly { readonly names: readonly string[]; readonly binaries: readonly string[] }[] = [
  { names: ['obfs4', 'meek_lite', 'webtunnel', 'scramblesuit'], binaries: ['lyrebird', 'obfs4proxy'] },
  { names: ['snowflake'], binaries: ['snowflake-client'] },
  { names: ['conjure'], binaries: ['conjure-client'] },
];

export interface TransportLookup {
  readonly resourcesDir?: string;
  readonly platform?: NodeJS.Platform;
  readonly arch?: string;
  readonly env?: NodeJS.ProcessEnv;
}

function findExecutable(name: string, lookup: TransportLookup): string | undefined {
  const platform = lookup.platform ?? process.platform;
  const file = platform === 'win32' ? `${name}.exe` : name;
  const folders = [
    ...(lookup.resourcesDir === undefined ? [] : [join(lookup.resourcesDir, `${platform}-${lookup.arch ?? process.arch}`, 'pluggable_transports')]),
    ...(lookup.env?.['PATH'] ?? process.env['PATH'] ?? '').split(delimiter).filter((d) => d !== ''),
    '/usr/bin',
  ];
  for (const folder of folders) {
    const candidate = join(folder, file);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/**
 * `UseBridges 1`, one `Bridge` line per bridge, and a `ClientTransportPlugin` for each transport the bridges use.
 * A transport with no binary found is left without a plugin: tor then reports the bridge unusable in its log.
 */
export function bridgeTorrcLines(bridges: readonly string[], resourcesDir?: string, lookup: Omit<TransportLookup, 'resourcesDir'> = {}): string[] {
  // Bridges are often shared in torrc form ("Bridge obfs4 …"); a doubled keyword makes tor refuse to start.
  const lines = bridges.map((b) => b.trim().replace(/^bridge\s+/i, '')).filter((b) => b !== '' && !b.startsWith('#'));
  if (lines.length === 0) return [];
  const used = new Set(lines.map((line) => line.split(/\s+/, 1)[0] ?? '').filter((word) => !/^[\d[]/.test(word)));
  const plugins: string[] = [];
  for (const { names, binaries } of TRANSPORT_BINARIES) {
    const wanted = names.filter((n) => used.has(n));
    if (wanted.length === 0) continue;
    const binary = binaries.map((b) => findExecutable(b, { ...lookup, ...(resourcesDir === undefined ? {} : { resourcesDir }) })).find((p) => p !== undefined);
    if (binary !== undefined) plugins.push(`ClientTransportPlugin ${wanted.join(',')} exec ${quoteTorrcValue(binary)}`);
  }
  return ['UseBridges 1', ...plugins, ...lines.map((line) => `Bridge ${line}`)];
}
