// Component tests: Svelte components rendered in jsdom with Testing Library. Rooted here, so it runs alone or as a project.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [svelte({ configFile: false, emitCss: false }), svelteTesting()],
  test: {
    name: 'renderer',
    include: ['src/**/*.test.ts'],
    environment: 'jsdom',
    setupFiles: ['test-setup.ts'],
  },
});
