import { afterAll, describe, expect, it } from 'vitest';
import type { DemoModelOptions } from '../../../src-main/engine/demo/model.js';
import { allHookNames } from '../../../src-main/shared/hooks.js';
import { openModel } from '../../../src-main/engine/model/open.js';
import type { EmbeddingAblation } from '../../../src-main/shared/settings/run-settings.js';
import type { LanguageModel } from '../../../src-main/engine/model/types.js';
import { writeTinyModel } from './tiny-model.js';
import { batchOf, maxDifference, OTHER_WINDOW, reference, referenceLosses, WINDOW, windowSlice } from './onnx-helpers.js';

const TOLERANCE = 1e-4;
const LAYERS = 2;
const models: LanguageModel[] = [];

afterAll(async () => {
  await Promise.all(models.map((model) => model.dispose()));
});

async function open(dir: string, ablation: EmbeddingAblation = 'none'): Promise<LanguageModel> {
  const { model } = await openModel(dir, { device: 'cpu', ablation });
  models.push(model);
  return model;
}

/** Every hook and the logits of one window, against the float64 reference. */
async function expectMatchesReference(layout: Partial<DemoModelOptions>, ablation: EmbeddingAblation = 'none'): Promise<void> {
  const dir = writeTinyModel({ layers: LAYERS, ...layout });
  const model = await open(dir, ablation);
  const result = await model.forward(batchOf([WINDOW]), { capture: allHookNames(LAYERS), logits: true });
  const expected = reference(dir, WINDOW, ablation);
  for (const name of allHookNames(LAYERS)) {
    expect(maxDifference(result.activations.get(name)!, expected.hooks.get(name)!), name).toBeLessThan(TOLERANCE);
  }
  expect(maxDifference(result.logits!, expected.logits)).toBeLessThan(TOLERANCE);
}

describe('OnnxModel against the reference forward', () => {
  it.each<[string, Partial<DemoModelOptions>]>([
    ['plain keys, one F32 file', {}],
    ["'transformer.' keys with lm_head", { keyPrefix: true }],
    ['F16 weights', { dtype: 'F16' }],
    ['BF16 weights', { dtype: 'BF16' }],
    ['three shards', { shards: 3 }],
  ])('matches every hook and the logits: %s', async (_, layout) => {
    await expectMatchesReference(layout);
  });

  it.each<EmbeddingAblation>(['positions-only', 'tokens-only'])('matches with the %s ablation', async (ablation) => {
    await expectMatchesReference({ seed: 11 }, ablation);
  });

  it('runs each window of a batch as if alone', async () => {
    const dir = writeTinyModel({ layers: LAYERS, seed: 5 });
    const model = await open(dir);
    const windows = [WINDOW, OTHER_WINDOW, [...WINDOW].reverse()];
    const result = await model.forward(batchOf(windows), { capture: allHookNames(LAYERS), logits: true, losses: true });
    const width = model.config.modelWidth * WINDOW.length;
    for (const [index, window] of windows.entries()) {
      const expected = reference(dir, window);
      for (const name of allHookNames(LAYERS)) {
        expect(maxDifference(windowSlice(result.activations.get(name)!, index, width), expected.hooks.get(name)!), name).toBeLessThan(TOLERANCE);
      }
      const alone = await model.forward(batchOf([window]), { capture: [], losses: true });
      expect(windowSlice(result.losses!, index, WINDOW.length)).toEqual(alone.losses);
    }
  });

  it('gives −log softmax(logits)[next token] as losses, NaN at each window’s end', async () => {
    const dir = writeTinyModel({ layers: LAYERS, seed: 9 });
    const model = await open(dir);
    const result = await model.forward(batchOf([WINDOW, OTHER_WINDOW]), { capture: [], losses: true });
    [WINDOW, OTHER_WINDOW].forEach((window, index) => {
      const losses = windowSlice(result.losses!, index, window.length);
      const expected = referenceLosses(reference(dir, window).logits, window);
      expected.forEach((loss, position) => expect(Math.abs(losses[position]! - loss)).toBeLessThan(TOLERANCE));
      expect(losses[window.length - 1]).toBeNaN();
    });
    expect(result.logits).toBeUndefined();
  });

  it('splits the head into position slices without changing logits or losses', async () => {
    const dir = writeTinyModel({ layers: 1, context: 128, seed: 13 });
    const model = await open(dir);
    const windows = [0, 1, 2].map((shift) => Array.from({ length: 100 }, (_, position) => (position * 977 + shift * 131) % 50257));
    const result = await model.forward(batchOf(windows), { capture: [], logits: true, losses: true });
    const expected = reference(dir, windows[2]!);
    const vocabulary = model.config.vocabSize;
    expect(maxDifference(windowSlice(result.logits!, 2, 100 * vocabulary), expected.logits)).toBeLessThan(TOLERANCE);
    const losses = windowSlice(result.losses!, 2, 100);
    referenceLosses(expected.logits, windows[2]!).forEach((loss, position) => expect(Math.abs(losses[position]! - loss)).toBeLessThan(TOLERANCE));
  });

  it('stops after the last hook asked for when no logits or losses are wanted', async () => {
    const model = await open(writeTinyModel({ layers: LAYERS }));
    const result = await model.forward(batchOf([WINDOW]), { capture: ['blocks.0.hook_mlp_out'] });
    expect([...result.activations.keys()]).toEqual(['blocks.0.hook_mlp_out']);
    expect(result.activations.get('blocks.0.hook_mlp_out')!.length).toBe(WINDOW.length * model.config.modelWidth);
  });
});
