import { readModelFolder } from '../../../src-main/engine/model/folder.js';
import { referenceForward } from '../../../src-main/engine/model/reference.js';
import type { ModelConfig, WeightSource } from '../../../src-main/engine/model/types.js';
import type { EmbeddingAblation } from '../../../src-main/shared/settings/run-settings.js';

/** One window's residual points in float64 (points[p][t] is x_p at position t) and each point's logit-lens log-probabilities. */
export interface WindowPoints {
  points: Float64Array[][];
  logProbabilities: Float64Array[][];
}

interface Unembedding {
  config: ModelConfig;
  scale: Float32Array;
  bias: Float32Array;
  table: Float32Array;
}

/** The n + 1 residual points of each window from the float64 reference forward, with the lens at positions ≥ 1 when asked. */
export function bruteForceWindows(dir: string, windows: number[][], options: { ablation?: EmbeddingAblation; lens?: boolean } = {}): WindowPoints[] {
  const folder = readModelFolder(dir);
  try {
    const { config, weights } = folder;
    const unembedding = readUnembedding(config, weights);
    return windows.map((tokens) => {
      const { hooks } = referenceForward(config, weights, tokens, { ablation: options.ablation, logits: false });
      const names = Array.from({ length: config.layerCount }, (_, layer) => `blocks.${layer}.hook_resid_pre`);
      names.push(`blocks.${config.layerCount - 1}.hook_resid_post`);
      const points = names.map((name) => hooks.get(name)!);
      const logProbabilities = options.lens === false ? [] : points.map((rows) => rows.map((row) => lensLogProbabilities(unembedding, row)));
      return { points, logProbabilities };
    });
  } finally {
    folder.weights.close();
  }
}

export function bruteForceWindow(dir: string, tokens: number[]): WindowPoints {
  return bruteForceWindows(dir, [tokens])[0]!;
}

function readUnembedding(config: ModelConfig, weights: WeightSource): Unembedding {
  return { config, scale: weights.read('ln_f.weight'), bias: weights.read('ln_f.bias'), table: weights.read('wte.weight') };
}

/** log softmax(ln_f(x) · W_Eᵀ) for GPT-2's tied embedding, in plain float64 loops. */
function lensLogProbabilities({ config, scale, bias, table }: Unembedding, row: Float64Array): Float64Array {
  const width = config.modelWidth;
  const mean = row.reduce((sum, value) => sum + value, 0) / width;
  const variance = row.reduce((sum, value) => sum + (value - mean) ** 2, 0) / width;
  const normed = row.map((value, i) => ((value - mean) / Math.sqrt(variance + config.layerNormEpsilon)) * scale[i]! + bias[i]!);
  const logits = new Float64Array(config.vocabSize);
  for (let token = 0; token < config.vocabSize; token++) {
    let dot = 0;
    for (let i = 0; i < width; i++) dot += normed[i]! * table[token * width + i]!;
    logits[token] = dot;
  }
  const largest = logits.reduce((most, value) => Math.max(most, value), -Infinity);
  const normalizer = largest + Math.log(logits.reduce((sum, value) => sum + Math.exp(value - largest), 0));
  return logits.map((value) => value - normalizer);
}

export function klDivergence(final: Float64Array, other: Float64Array): number {
  let total = 0;
  for (let i = 0; i < final.length; i++) total += Math.exp(final[i]!) * (final[i]! - other[i]!);
  return total;
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

export function norm(x: Float64Array): number {
  return Math.sqrt(x.reduce((sum, value) => sum + value * value, 0));
}

export function cosine(x: Float64Array, y: Float64Array): number {
  let dot = 0;
  for (let i = 0; i < x.length; i++) dot += x[i]! * y[i]!;
  return dot / (norm(x) * norm(y));
}
