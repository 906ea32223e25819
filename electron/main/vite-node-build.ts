// Shared Vite settings for the Node-side bundles (main, preload, core utility process): one entry, Node built-ins and electron left external.
import { builtinModules } from 'node:module';
import type { UserConfig } from 'vite';

export interface NodeBundle {
  readonly entry: string;
  readonly outDir: string;
  readonly fileName: string;
  /** The sandboxed preload must be CommonJS; main and the utility process are ES modules. */
  readonly format: 'es' | 'cjs';
  /** Packages that must stay in node_modules, such as native modules. */
  readonly external?: readonly string[];
}

const NODE_BUILTINS = ['electron', ...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

/** CommonJS dependencies bundled into an ES module still call `require` for Node built-ins: give them one. */
const ESM_REQUIRE_SHIM = "import { createRequire as __alliumCreateRequire } from 'node:module';\nconst require = __alliumCreateRequire(import.meta.url);";

/**
 * Complete on its own (for `vite build --config …` in `npm run package`) and also given to Forge's Vite plugin in
 * `npm run dev`, which keeps these settings because they name their own `build.lib`.
 */
export function nodeBundleConfig(bundle: NodeBundle): UserConfig {
  return {
    build: {
      outDir: bundle.outDir,
      emptyOutDir: true,
      target: 'node22',
      minify: false,
      sourcemap: true,
      copyPublicDir: false,
      lib: { entry: bundle.entry, formats: [bundle.format], fileName: () => bundle.fileName },
      rollupOptions: {
        external: [...NODE_BUILTINS, ...(bundle.external ?? [])],
        output: bundle.format === 'es' ? { banner: ESM_REQUIRE_SHIM } : {},
      },
    },
    resolve: { conditions: ['node'] },
  };
}
