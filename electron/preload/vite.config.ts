// Vite build of the preload: electron/preload/index.ts → dist/preload/preload.cjs (sandboxed preloads cannot be ES modules).
import { defineConfig } from 'vite';
import { nodeBundleConfig } from '../main/vite-node-build.js';

export default defineConfig(nodeBundleConfig({ entry: 'electron/preload/index.ts', outDir: 'dist/preload', fileName: 'preload.cjs', format: 'cjs' }));
