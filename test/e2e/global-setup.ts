import { ensureRenderer } from '../../src-main/host/renderer-build.js';

/** Builds the renderer once for every e2e file, before any of them serves it. */
export default async function setup(): Promise<void> {
  await ensureRenderer();
}
