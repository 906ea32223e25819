// Builds the renderer from the working tree into a private folder, so the journey tests today's UI and no concurrent build can swap files under it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { REPO_ROOT } from '../../electron/web/repo-paths.js';

export interface RendererBuild {
  readonly dir: string;
  remove(): Promise<void>;
}

export async function buildRenderer(): Promise<RendererBuild> {
  const dir = await mkdtemp(join(tmpdir(), 'allium-e2e-renderer-'));
  const remove = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    await build({
      configFile: join(REPO_ROOT, 'renderer', 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: dir, emptyOutDir: true },
    });
    return { dir, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
