// Electron Forge, for development: `npm run dev` builds main, preload and the core entry with Vite, serves the renderer with hot reload and starts Electron. Installers come from electron-builder (electron-builder.yml).
import { FusesPlugin } from '@electron-forge/plugin-fuses';
import { VitePlugin } from '@electron-forge/plugin-vite';
import type { ForgeConfig } from '@electron-forge/shared-types';
import { FuseV1Options, FuseVersion } from '@electron/fuses';

const config: ForgeConfig = {
  packagerConfig: {
    name: 'Allium',
    executableName: 'allium',
    icon: 'resources/icons/icon',
    asar: { unpack: '{**/*.node,**/node_modules/@signalapp/libsignal-client/**,**/node_modules/@signalapp/sqlcipher/**}' },
  },
  rebuildConfig: {},
  plugins: [
    new VitePlugin({
      build: [
        { entry: 'electron/main/index.ts', config: 'electron/main/vite.main.config.ts', target: 'main' },
        { entry: 'electron/core/utility-entry.ts', config: 'electron/main/vite.core.config.ts', target: 'main' },
        { entry: 'electron/preload/index.ts', config: 'electron/preload/vite.config.ts', target: 'preload' },
      ],
      // The name defines MAIN_WINDOW_VITE_DEV_SERVER_URL, which main reads in development only.
      renderer: [{ name: 'main_window', config: 'renderer/vite.config.ts' }],
    }),
    // Every fuse set on purpose (strictlyRequireAllFuses fails the build when an Electron upgrade adds one we have not decided on);
    // the same as electron-builder.yml: no ELECTRON_RUN_AS_NODE, NODE_OPTIONS or --inspect, encrypted cookies, app code only from
    // a verified asar, no extra privileges for file:// (the app is served from app://).
    new FusesPlugin({
      version: FuseVersion.V1,
      strictlyRequireAllFuses: true,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
      // Electron's default: WebAssembly bounds checks through trap handlers, as in Chrome.
      [FuseV1Options.WasmTrapHandlers]: true,
    }),
  ],
};

export default config;
