// Test runner configuration: unit tests run anywhere; Tor tests share one private Tor network per run.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      'renderer/vitest.config.ts',
      {
        test: {
          name: 'unit',
          include: ['electron/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['**/*.tor.test.ts', '**/node_modules/**'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'tor',
          include: ['electron/**/*.tor.test.ts', 'scripts/**/*.tor.test.ts'],
          globalSetup: ['scripts/test/testnet-global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 240_000,
          pool: 'forks',
        },
      },
    ],
  },
});
