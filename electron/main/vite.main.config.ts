// Vite build of Electron main: electron/main/index.ts → dist/main/index.js (package.json "main").
import { defineConfig } from 'vite';
import { nodeBundleConfig } from './vite-node-build.js';

export default defineConfig(nodeBundleConfig({ entry: 'electron/main/index.ts', outDir: 'dist/main', fileName: 'index.js', format: 'es' }));
