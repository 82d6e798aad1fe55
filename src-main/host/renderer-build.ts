import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RENDERER_SOURCE_DIR = fileURLToPath(new URL('../../src-renderer', import.meta.url));
export const RENDERER_OUT_DIR = fileURLToPath(new URL('../../out/renderer', import.meta.url));

function newestChange(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** True when there is no built renderer or a source file changed after it was built. */
export function rendererIsStale(sourceDir = RENDERER_SOURCE_DIR, outDir = RENDERER_OUT_DIR): boolean {
  const index = join(outDir, 'index.html');
  if (!existsSync(index)) return true;
  return newestChange(sourceDir) > statSync(index).mtimeMs;
}

/** Builds src-renderer into out/renderer with the same settings as the Electron build. */
export async function buildRenderer(): Promise<void> {
  const [{ build }, { rendererConfig }] = await Promise.all([import('vite'), import('../../electron.vite.config.ts')]);
  await build({ ...rendererConfig, configFile: false, logLevel: 'warn' });
}

/** Builds the renderer when needed (or when forced) and returns the folder to serve. */
export async function ensureRenderer(force = false): Promise<string> {
  if (!existsSync(RENDERER_SOURCE_DIR)) {
    if (existsSync(join(RENDERER_OUT_DIR, 'index.html'))) return RENDERER_OUT_DIR;
    throw new Error(`There is neither a built renderer in ${RENDERER_OUT_DIR} nor its sources.`);
  }
  if (force || rendererIsStale()) await buildRenderer();
  return RENDERER_OUT_DIR;
}
