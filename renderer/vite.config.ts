// Builds the renderer into dist/renderer: a static, CSP-friendly bundle with component styles in CSS files.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  // Relative asset URLs so the same build loads from app://allium in Electron and from 127.0.0.1 in web mode.
  base: './',
  // The CSP forbids inline styles: Svelte hands each component's CSS to Vite, which writes it to a file.
  plugins: [svelte({ configFile: false, emitCss: true, compilerOptions: { css: 'external' } })],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // No data: URLs for assets, so nothing needs a looser CSP.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
