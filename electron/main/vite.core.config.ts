// Vite build of the core's utility process: electron/core/utility-entry.ts → dist/core/utility-entry.js; libsignal and SQLCipher stay native modules in node_modules.
import { defineConfig } from 'vite';
import { nodeBundleConfig } from './vite-node-build.js';

export default defineConfig(
  nodeBundleConfig({ entry: 'electron/core/utility-entry.ts', outDir: 'dist/core', fileName: 'utility-entry.js', format: 'es', external: ['@signalapp/libsignal-client', '@signalapp/sqlcipher'] }),
);
