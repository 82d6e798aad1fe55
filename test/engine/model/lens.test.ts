import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openModel } from '../../../src-main/engine/model/open.js';
import type { LanguageModel } from '../../../src-main/engine/model/types.js';
import { argmax, bruteForceWindow, klDivergence } from '../residual/brute-force.js';
import { batchOf, WINDOW } from './onnx-helpers.js';
import { writeTinyModel } from './tiny-model.js';

let dir: string;
let model: LanguageModel;

beforeAll(async () => {
  dir = writeTinyModel();
  ({ model } = await openModel(dir, { device: 'cpu', ablation: 'none' }));
});

afterAll(async () => {
  await model.dispose();
});

async function pointsOf(tokens: number[]): Promise<Float32Array[]> {
  const { layerCount } = model.config;
  const names = [...Array.from({ length: layerCount }, (_, layer) => `blocks.${layer}.hook_resid_pre`), `blocks.${layerCount - 1}.hook_resid_post`];
  const { activations } = await model.forward(batchOf([tokens]), { capture: names });
  return names.map((name) => activations.get(name)!);
}

describe('logit lens', () => {
  it('gives every point’s KL to the final distribution, its argmax and its top tokens as float64 loops do', async () => {
    const expected = bruteForceWindow(dir, WINDOW);
    const rows = Int32Array.from([1, 4, 8]);
    const lens = await model.logitLens({ points: await pointsOf(WINDOW), rows, top: 5 });
    const final = expected.logProbabilities.at(-1)!;
    expected.logProbabilities.forEach((point, index) => {
      rows.forEach((row, offset) => {
        const at = index * rows.length + offset;
        const kl = klDivergence(final[row]!, point[row]!);
        expect(Math.abs(lens.kl[at]! - kl)).toBeLessThanOrEqual(1e-4 * kl + 1e-5);
        expect(lens.argmax[at]).toBe(argmax(point[row]!));
        const top = [...point[row]!].map((value, token) => ({ value, token })).sort((a, b) => b.value - a.value).slice(0, 5);
        expect(Array.from(lens.topTokens.subarray(at * 5, at * 5 + 5))).toEqual(top.map((entry) => entry.token));
        top.forEach((entry, k) => expect(lens.topProbabilities[at * 5 + k]).toBeCloseTo(Math.exp(entry.value), 6));
      });
    });
  });

  it('reads every row when none are named, in slices, and gives zero KL at the final point', async () => {
    const points = await pointsOf(WINDOW);
    const lens = await model.logitLens({ points, top: 0 });
    expect(lens.kl.length).toBe(points.length * WINDOW.length);
    expect(Array.from(lens.kl.subarray(-WINDOW.length))).toEqual(new Array(WINDOW.length).fill(0));
    expect(lens.topTokens.length).toBe(0);
  });
});
