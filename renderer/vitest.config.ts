// Component tests: Svelte components rendered in jsdom with Testing Library (run from the repository root).
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [svelte({ configFile: false, emitCss: false }), svelteTesting()],
  test: {
    name: 'renderer',
    include: ['renderer/**/*.test.ts'],
    environment: 'jsdom',
    setupFiles: ['renderer/test-setup.ts'],
  },
});
