import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DemoModelOptions, writeDemoModel } from '../../../src-main/engine/demo/model.js';
import { normalSampler } from '../../../src-main/engine/demo/random.js';
import type { SaeArchitecture, SaeParams } from '../../../src-main/engine/sae/types.js';
import { sampleSaeParams, writeSaeLensFolder } from '../../helpers/sae-files.js';
import { TINY_MODEL as MODEL_TESTS_TINY_MODEL } from '../model/tiny-model.js';

/** The model tests' tiny GPT-2, with the seed the statistics tests were written against. */
export const TINY_MODEL: DemoModelOptions = { ...MODEL_TESTS_TINY_MODEL, seed: 5 };

const WORDS = ['the', 'cat', 'sat', 'on', 'a', 'mat', 'while', 'rain', 'fell', 'over', 'quiet', 'hills', 'and', 'seven', 'birds', 'sang'];

/** Seeded rows of plain words, so tokenization gives a varied, reproducible stream. */
export function writeWordDataset(file: string, rows: number, seed = 9): string {
  const random = normalSampler(seed);
  const pick = () => WORDS[Math.floor(Math.abs(random() * 1e6)) % WORDS.length];
  const lines = Array.from({ length: rows }, (_, row) => {
    const length = 8 + (row % 23);
    return JSON.stringify({ text: Array.from({ length }, pick).join(' ') + '.' });
  });
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

export interface SaeSpec {
  architecture: SaeArchitecture;
  hook: string;
  centerInput?: boolean;
}

/** The same SAE set every statistics test reads: one per architecture, two hooks sharing layer 0. */
export const SAE_SPECS: SaeSpec[] = [
  { architecture: 'standard', hook: 'blocks.0.hook_resid_post', centerInput: true },
  { architecture: 'jumprelu', hook: 'blocks.0.hook_mlp_out' },
  { architecture: 'topk', hook: 'blocks.1.hook_resid_pre' },
  { architecture: 'gated', hook: 'blocks.1.hook_resid_post' },
];

export function writeSpecSae(folder: string, spec: SaeSpec, seed: number): string {
  const params = sampleSaeParams({ inputSize: TINY_MODEL.width, featureCount: 24, architecture: spec.architecture, hook: spec.hook, seed });
  return writeSaeLensFolder(folder, { ...params, centerInput: spec.centerInput ?? false });
}

/** An SAE that reconstructs exactly: f = (relu(x), relu(−x)), x̂ = f₁ − f₂. */
export function perfectSaeParams(hook: string, width: number): SaeParams {
  const featureCount = 2 * width;
  const encoderWeights = new Float32Array(width * featureCount);
  const decoderWeights = new Float32Array(featureCount * width);
  for (let d = 0; d < width; d++) {
    encoderWeights[d * featureCount + d] = 1;
    encoderWeights[d * featureCount + width + d] = -1;
    decoderWeights[d * width + d] = 1;
    decoderWeights[(width + d) * width + d] = -1;
  }
  const base = sampleSaeParams({ inputSize: width, featureCount, hook });
  const zeros = (length: number) => new Float32Array(length);
  return { ...base, encoderWeights, decoderWeights, encoderBias: zeros(featureCount), decoderBias: zeros(width), centerInput: true };
}

export function writeTinyModel(root: string): string {
  const dir = join(root, 'model');
  mkdirSync(dir, { recursive: true });
  writeDemoModel(dir, TINY_MODEL);
  return dir;
}
