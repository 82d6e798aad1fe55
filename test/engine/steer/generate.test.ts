import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readModelFolder } from '../../../src-main/engine/model/folder.js';
import { openModel } from '../../../src-main/engine/model/open.js';
import { referenceForward } from '../../../src-main/engine/model/reference.js';
import type { LanguageModel } from '../../../src-main/engine/model/types.js';
import { generateTokens } from '../../../src-main/engine/steer/generate.js';
import { batchOf, WINDOW } from '../model/onnx-helpers.js';
import { writeTinyModel } from '../model/tiny-model.js';

const NEW_TOKENS = 64;
const LAYERS = 2;

let dir: string;
let cached: LanguageModel;
let plain: LanguageModel;

beforeAll(async () => {
  dir = writeTinyModel({ layers: LAYERS, context: 96, seed: 31 });
  cached = (await openModel(dir, { device: 'cpu', ablation: 'none', cache: true })).model;
  plain = (await openModel(dir, { device: 'cpu', ablation: 'none' })).model;
});

afterAll(async () => {
  await Promise.all([cached.dispose(), plain.dispose()]);
});

/** Greedy generation that re-runs the whole float64 reference forward for every new token; ln_f and the tied unembedding written out here. */
function referenceGreedy(prompt: number[], count: number): number[] {
  const folder = readModelFolder(dir);
  try {
    const { config, weights } = folder;
    const [table, scale, bias] = [weights.read('wte.weight'), weights.read('ln_f.weight'), weights.read('ln_f.bias')];
    const tokens = [...prompt];
    while (tokens.length < prompt.length + count) {
      const hooks = referenceForward(config, weights, tokens, { logits: false }).hooks;
      const last = hooks.get(`blocks.${LAYERS - 1}.hook_resid_post`)!.at(-1)!;
      const mean = last.reduce((sum, value) => sum + value, 0) / last.length;
      const variance = last.reduce((sum, value) => sum + (value - mean) ** 2, 0) / last.length;
      const normed = last.map((value, i) => ((value - mean) / Math.sqrt(variance + config.layerNormEpsilon)) * scale[i]! + bias[i]!);
      let [best, bestLogit] = [0, -Infinity];
      for (let token = 0; token < config.vocabSize; token++) {
        let logit = 0;
        for (let i = 0; i < normed.length; i++) logit += normed[i]! * table[token * normed.length + i]!;
        if (logit > bestLogit) [best, bestLogit] = [token, logit];
      }
      tokens.push(best);
    }
    return tokens.slice(prompt.length);
  } finally {
    folder.weights.close();
  }
}

describe('generation with a KV cache', () => {
  it('equals greedy generation that recomputes the full reference forward each step, for 64 tokens', async () => {
    const generated = await generateTokens(cached, WINDOW, { maxNewTokens: NEW_TOKENS, temperature: 0, topP: 1, seed: 0 });
    expect(generated).toHaveLength(NEW_TOKENS);
    expect(generated).toEqual(referenceGreedy(WINDOW, NEW_TOKENS));
  });

  it('gives each step the logits and hooks of a full forward over everything so far', async () => {
    const cache = cached.createCache!(1);
    const hook = 'blocks.1.hook_resid_mid';
    await cached.forward(batchOf([WINDOW.slice(0, 5)]), { capture: [], cache });
    const step = await cached.forward(batchOf([WINDOW.slice(5)]), { capture: [hook], logits: 'last', cache });
    const full = await plain.forward(batchOf([WINDOW]), { capture: [hook], logits: true });
    const width = 16;
    const vocab = cached.config.vocabSize;
    const expectedHook = full.activations.get(hook)!.subarray(5 * width);
    const worst = (a: Float32Array, b: Float32Array) => a.reduce((most, value, i) => Math.max(most, Math.abs(value - b[i]!)), 0);
    expect(worst(step.activations.get(hook)!, expectedHook)).toBeLessThan(1e-5);
    expect(worst(step.logits!, full.logits!.subarray((WINDOW.length - 1) * vocab))).toBeLessThan(1e-4);
    expect(cache.length).toBe(WINDOW.length);
  });

  it('samples reproducibly for a seed, and differently for another', async () => {
    const settings = { maxNewTokens: 12, temperature: 1.5, topP: 0.95, seed: 7 };
    const first = await generateTokens(cached, WINDOW, settings);
    expect(await generateTokens(cached, WINDOW, settings)).toEqual(first);
    expect(await generateTokens(cached, WINDOW, { ...settings, seed: 8 })).not.toEqual(first);
  });
});
