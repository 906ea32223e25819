// The fuses flipped in installers: Forge's (npm run dev's packaging) and electron-builder's (npm run package) say the same, and every fuse Electron has is decided.
import { readFileSync } from 'node:fs';
import { FuseV1Options } from '@electron/fuses';
import { describe, expect, it } from 'vitest';
import forgeConfig from '../../forge.config.js';

/** electron-builder's name of each fuse (app-builder-lib's FuseOptionsV1); it has no setting for WasmTrapHandlers. */
const BUILDER_NAMES: Partial<Record<FuseV1Options, string>> = {
  [FuseV1Options.RunAsNode]: 'runAsNode',
  [FuseV1Options.EnableCookieEncryption]: 'enableCookieEncryption',
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: 'enableNodeOptionsEnvironmentVariable',
  [FuseV1Options.EnableNodeCliInspectArguments]: 'enableNodeCliInspectArguments',
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: 'enableEmbeddedAsarIntegrityValidation',
  [FuseV1Options.OnlyLoadAppFromAsar]: 'onlyLoadAppFromAsar',
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: 'loadBrowserProcessSpecificV8Snapshot',
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: 'grantFileProtocolExtraPrivileges',
};

/** The `electronFuses:` block of electron-builder.yml, read line by line (flat `name: true|false` pairs). */
function builderFuses(): Map<string, boolean> {
  const lines = readFileSync(new URL('../../electron-builder.yml', import.meta.url), 'utf8').split('\n');
  const fuses = new Map<string, boolean>();
  let inside = false;
  for (const line of lines) {
    if (/^electronFuses:\s*$/.test(line)) inside = true;
    else if (inside && /^\S/.test(line)) break;
    const pair = inside ? /^\s+(\w+):\s*(true|false)\s*$/.exec(line) : null;
    if (pair) fuses.set(pair[1]!, pair[2] === 'true');
  }
  return fuses;
}

function forgeFuses(): Record<string, unknown> {
  const plugin = forgeConfig.plugins?.find((candidate) => typeof candidate === 'object' && 'fusesConfig' in candidate);
  if (plugin === undefined) throw new Error('forge.config.ts has no FusesPlugin');
  return (plugin as unknown as { fusesConfig: Record<string, unknown> }).fusesConfig;
}

const allFuses = Object.values(FuseV1Options).filter((value): value is FuseV1Options => typeof value === 'number');

describe('fuses', () => {
  it('Forge sets every fuse @electron/fuses knows, and refuses to package with one it does not', () => {
    const forge = forgeFuses();
    expect(forge.strictlyRequireAllFuses).toBe(true);
    for (const fuse of allFuses) expect(typeof forge[fuse], FuseV1Options[fuse]).toBe('boolean');
  });

  it('electron-builder sets each fuse it can the same way as Forge', () => {
    const forge = forgeFuses();
    const builder = builderFuses();
    for (const fuse of allFuses) {
      const name = BUILDER_NAMES[fuse];
      if (name === undefined) expect(forge[fuse], `${FuseV1Options[fuse]} keeps Electron's default where electron-builder cannot set it`).toBe(true);
      else expect(builder.get(name), name).toBe(forge[fuse]);
    }
  });

  it('runs nothing as Node, reads no NODE_OPTIONS, takes no --inspect and gives file:// no extra privileges', () => {
    const forge = forgeFuses();
    expect(forge[FuseV1Options.RunAsNode]).toBe(false);
    expect(forge[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(forge[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(forge[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false);
    expect(forge[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
  });
});
