import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DemoModelOptions, writeDemoModel } from '../../../src-main/engine/demo/model.js';

/** The smallest GPT-2 that still has every part: two layers, two heads, full vocabulary. */
export const TINY_MODEL: DemoModelOptions = { layers: 2, width: 16, heads: 2, context: 32, seed: 7 };

/** Writes a tiny demo model into a fresh temporary folder and returns the folder. */
export function writeTinyModel(options: Partial<DemoModelOptions> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'tiny-model-'));
  writeDemoModel(dir, { ...TINY_MODEL, ...options });
  return dir;
}
