import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';
import type { UserConfig } from 'vite';

const root = import.meta.dirname;
/** Where the three builds go: out/ unless SAE_STUDIO_BUILD_DIR says otherwise (the packaging test builds elsewhere). */
const outRoot = resolve(root, process.env.SAE_STUDIO_BUILD_DIR ?? 'out');

/** The renderer build, shared with the browser host, which builds it with plain vite. */
export const rendererConfig = {
  root: resolve(root, 'src-renderer'),
  base: './',
  plugins: [svelte()],
  build: {
    outDir: resolve(outRoot, 'renderer'),
    emptyOutDir: true,
    rolldownOptions: { input: resolve(root, 'src-renderer/index.html') },
  },
} satisfies UserConfig;

export default defineConfig({
  main: {
    build: {
      outDir: resolve(outRoot, 'main'),
      // Native modules (better-sqlite3, onnxruntime-node) stay in node_modules, unpacked from the asar.
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          index: resolve(root, 'src-main/electron/main.ts'),
          worker: resolve(root, 'src-main/workers/entry.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(outRoot, 'preload'),
      // Sandboxed preloads cannot load ES modules.
      rolldownOptions: {
        input: { index: resolve(root, 'src-main/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: rendererConfig,
});
