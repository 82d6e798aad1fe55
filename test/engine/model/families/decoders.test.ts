import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FAMILY_MODEL_SETTINGS, type FamilyModelOptions, type GeneratedFamily, writeFamilyModel } from '../../../../src-main/engine/demo/families.js';
import { openModel } from '../../../../src-main/engine/model/open.js';
import type { LanguageModel } from '../../../../src-main/engine/model/types.js';
import { batchOf, maxDifference, referenceLosses, windowSlice } from '../onnx-helpers.js';
import { decoderReference, erf } from './decoder-reference.js';

const TOLERANCE = 1e-4;
const LAYERS = 3;
/** Twelve tokens after BOS: longer than Gemma 2's generated sliding window of 6. */
const TEXT = [72, 101, 108, 108, 111, 32, 119, 111, 114, 108, 100, 33];
const OTHER_TEXT = [500, 300, 17, 999, 256, 40, 41, 42, 700, 800, 2, 3];
const models: LanguageModel[] = [];

afterAll(async () => {
  await Promise.all(models.map((model) => model.dispose()));
});

function writeModel(family: GeneratedFamily, options: Partial<FamilyModelOptions> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), `${family}-model-`));
  writeFamilyModel(dir, { ...FAMILY_MODEL_SETTINGS, family, layers: LAYERS, vocabSize: 1000, context: 32, seed: 3, ...options });
  return dir;
}

async function open(dir: string): Promise<LanguageModel> {
  const { model } = await openModel(dir, { device: 'cpu', ablation: 'none' });
  models.push(model);
  return model;
}

function hookNames(family: GeneratedFamily): string[] {
  const kinds = ['hook_resid_pre', 'hook_attn_out', ...(family === 'neox' ? [] : ['hook_resid_mid']), 'hook_mlp_out', 'hook_resid_post'];
  return Array.from({ length: LAYERS }, (_, layer) => kinds.map((kind) => `blocks.${layer}.${kind}`)).flat();
}

async function expectMatchesReference(family: GeneratedFamily, options: Partial<FamilyModelOptions> = {}): Promise<void> {
  const dir = writeModel(family, options);
  const model = await open(dir);
  const window = [model.config.bosTokenId, ...TEXT];
  const result = await model.forward(batchOf([window]), { capture: hookNames(family), logits: true });
  const expected = decoderReference(dir, window);
  for (const name of hookNames(family)) {
    expect(maxDifference(result.activations.get(name)!, expected.hooks.get(name)!), name).toBeLessThan(TOLERANCE);
  }
  expect(maxDifference(result.logits!, expected.logits)).toBeLessThan(TOLERANCE);
}

describe.each<GeneratedFamily>(['llama', 'gemma2', 'neox'])('the %s ONNX forward against the float64 reference', (family) => {
  it.each<[string, Partial<FamilyModelOptions>]>([
    ['F32, one file', {}],
    ['BF16 weights', { dtype: 'BF16', seed: 4 }],
    ['F16 weights in three shards', { dtype: 'F16', shards: 3, seed: 5 }],
    ['the other choice of tied head', { tied: family !== 'gemma2', seed: 6 }],
  ])('matches every hook and the logits: %s', async (_, options) => {
    await expectMatchesReference(family, options);
  });

  it('runs each window of a batch as if alone, with losses from the logits', async () => {
    const dir = writeModel(family, { seed: 8 });
    const model = await open(dir);
    const windows = [TEXT, OTHER_TEXT].map((text) => [model.config.bosTokenId, ...text]);
    const result = await model.forward(batchOf(windows), { capture: hookNames(family), losses: true });
    const width = model.config.modelWidth * windows[0]!.length;
    windows.forEach((window, index) => {
      const expected = decoderReference(dir, window);
      const lastHook = hookNames(family).at(-1)!;
      expect(maxDifference(windowSlice(result.activations.get(lastHook)!, index, width), expected.hooks.get(lastHook)!)).toBeLessThan(TOLERANCE);
      const losses = windowSlice(result.losses!, index, window.length);
      referenceLosses(expected.logits, window).forEach((loss, position) => expect(Math.abs(losses[position]! - loss)).toBeLessThan(TOLERANCE));
    });
  });
});

describe('families without what a hook or option needs', () => {
  it('refuses hook_resid_mid on a parallel-residual GPT-NeoX, naming the hooks it has', async () => {
    const model = await open(writeModel('neox'));
    await expect(model.forward(batchOf([[0, 1, 2]]), { capture: ['blocks.1.hook_resid_mid'] })).rejects.toThrow(
      "Hook 'blocks.1.hook_resid_mid' does not exist in this gpt_neox model: its attention and MLP both read hook_resid_pre in parallel (use_parallel_residual), so nothing lies between them. Its blocks have hook_resid_pre, hook_attn_out, hook_mlp_out, hook_resid_post.",
    );
  });

  it('matches a sequential GPT-NeoX, which has hook_resid_mid', async () => {
    const dir = writeModel('neox', { seed: 9 });
    const { writeFileSync, readFileSync } = await import('node:fs');
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, use_parallel_residual: false }));
    const model = await open(dir);
    const window = [0, ...TEXT];
    const result = await model.forward(batchOf([window]), { capture: ['blocks.1.hook_resid_mid', 'blocks.2.hook_resid_post'] });
    const expected = decoderReference(dir, window);
    for (const name of ['blocks.1.hook_resid_mid', 'blocks.2.hook_resid_post']) {
      expect(maxDifference(result.activations.get(name)!, expected.hooks.get(name)!), name).toBeLessThan(TOLERANCE);
    }
  });

  it('refuses an embedding ablation for rotary positions', async () => {
    await expect(openModel(writeModel('llama'), { device: 'cpu', ablation: 'positions-only' })).rejects.toThrow(
      "The 'positions-only' ablation zeroes learned position embeddings, and llama has none (its positions are rotary); run it without an embedding ablation.",
    );
  });
});

describe('the reference erf', () => {
  it('agrees with tabulated values on both sides of its switch', () => {
    const table: [number, number][] = [[0.5, 0.5204998778130465], [1, 0.8427007929497149], [2, 0.9953222650189527], [2.5, 0.999593047982555], [3, 0.9999779095030014], [-1.5, -0.9661051464753108]];
    for (const [x, value] of table) expect(Math.abs(erf(x) - value)).toBeLessThan(1e-12);
  });
});

describe.each<GeneratedFamily>(['llama', 'gemma2', 'neox'])('the %s forward with a KV cache', (family) => {
  it('gives, a few tokens at a time past the sliding window, the reference logits of the whole prefix', async () => {
    const dir = writeModel(family, { seed: 12 });
    const { model } = await openModel(dir, { device: 'cpu', ablation: 'none', cache: true });
    models.push(model);
    const window = [model.config.bosTokenId, ...TEXT];
    const cache = model.createCache!(1);
    const expected = decoderReference(dir, window).logits;
    for (const [start, end] of [[0, 5], [5, 6], [6, 10], [10, window.length]] as const) {
      const step = await model.forward(batchOf([window.slice(start, end)]), { capture: [], logits: true, cache });
      expect(maxDifference(step.logits!, expected.slice(start, end)), `${start}–${end}`).toBeLessThan(TOLERANCE);
    }
  });
});
