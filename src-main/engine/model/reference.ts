import { hookName } from '../../shared/hooks.js';
import type { EmbeddingAblation } from '../../shared/settings/run-settings.js';
import type { ModelConfig, WeightSource } from './types.js';

export interface ReferenceOptions {
  ablation?: EmbeddingAblation;
  /** Logits cost vocab × width per position; leave them out when only hooks are compared. */
  logits?: boolean;
}

export interface ReferenceResult {
  /** Every hook of every block, one vector per position. */
  hooks: Map<string, Float64Array[]>;
  /** One vector of vocabulary scores per position; empty when not asked for. */
  logits: Float64Array[];
}

type Rows = Float64Array[];

/**
 * GPT-2 as Hugging Face computes it, in plain float64 loops: slow, but independent of
 * onnxruntime, so the engine can be checked against it on small models.
 */
export function referenceForward(config: ModelConfig, weights: WeightSource, tokens: number[], options: ReferenceOptions = {}): ReferenceResult {
  const hooks = new Map<string, Rows>();
  let residual = embed(config, weights, { tokens, ablation: options.ablation ?? 'none' });
  for (let layer = 0; layer < config.layerCount; layer++) {
    residual = block(config, new BlockWeights(weights, layer), { residual, layer, hooks });
  }
  const logits = options.logits === false ? [] : unembed(config, weights, residual);
  return { hooks, logits };
}

function embed(config: ModelConfig, weights: WeightSource, input: { tokens: number[]; ablation: EmbeddingAblation }): Rows {
  const width = config.modelWidth;
  const tokenTable = weights.read('wte.weight');
  const positionTable = weights.read('wpe.weight');
  // positions-only keeps just where a token is; tokens-only keeps just what it is.
  const tokenScale = input.ablation === 'positions-only' ? 0 : 1;
  const positionScale = input.ablation === 'tokens-only' ? 0 : 1;
  return input.tokens.map((token, position) => {
    const row = new Float64Array(width);
    for (let i = 0; i < width; i++) {
      row[i] = tokenScale * tokenTable[token * width + i] + positionScale * positionTable[position * width + i];
    }
    return row;
  });
}

function block(config: ModelConfig, weights: BlockWeights, step: { residual: Rows; layer: number; hooks: Map<string, Rows> }): Rows {
  const { residual: pre, layer } = step;
  const attentionInput = pre.map((row) => layerNorm(row, weights.tensor('ln_1'), config.layerNormEpsilon));
  const attentionOut = attention(config, weights, attentionInput);
  const mid = pre.map((row, position) => add(row, attentionOut[position]));
  const mlpInput = mid.map((row) => layerNorm(row, weights.tensor('ln_2'), config.layerNormEpsilon));
  const mlpOut = mlp(weights, mlpInput);
  const post = mid.map((row, position) => add(row, mlpOut[position]));
  step.hooks.set(hookName({ layer, kind: 'hook_resid_pre' }), pre);
  step.hooks.set(hookName({ layer, kind: 'hook_attn_out' }), attentionOut);
  step.hooks.set(hookName({ layer, kind: 'hook_resid_mid' }), mid);
  step.hooks.set(hookName({ layer, kind: 'hook_mlp_out' }), mlpOut);
  step.hooks.set(hookName({ layer, kind: 'hook_resid_post' }), post);
  return post;
}

/** Causal multi-head self-attention; each head sees only its own slice of q, k and v. */
function attention(config: ModelConfig, weights: BlockWeights, input: Rows): Rows {
  const width = config.modelWidth;
  const headWidth = width / config.headCount;
  const projected = input.map((row) => conv1d(row, weights.tensor('attn.c_attn')));
  const mixed = input.map(() => new Float64Array(width));
  for (let head = 0; head < config.headCount; head++) {
    const slice = { query: head * headWidth, key: width + head * headWidth, value: 2 * width + head * headWidth, size: headWidth };
    for (let position = 0; position < input.length; position++) {
      attendFrom(position, { projected, slice, target: mixed[position].subarray(head * headWidth, (head + 1) * headWidth) });
    }
  }
  return mixed.map((row) => conv1d(row, weights.tensor('attn.c_proj')));
}

interface HeadSlice {
  query: number;
  key: number;
  value: number;
  size: number;
}

function attendFrom(position: number, step: { projected: Rows; slice: HeadSlice; target: Float64Array }): void {
  const { projected, slice, target } = step;
  const query = projected[position];
  const scores = new Float64Array(position + 1);
  for (let other = 0; other <= position; other++) {
    let dot = 0;
    for (let i = 0; i < slice.size; i++) dot += query[slice.query + i] * projected[other][slice.key + i];
    scores[other] = dot / Math.sqrt(slice.size);
  }
  const weightsByPosition = softmax(scores);
  for (let other = 0; other <= position; other++) {
    for (let i = 0; i < slice.size; i++) target[i] += weightsByPosition[other] * projected[other][slice.value + i];
  }
}

function mlp(weights: BlockWeights, input: Rows): Rows {
  return input.map((row) => conv1d(conv1d(row, weights.tensor('mlp.c_fc')).map(geluTanh), weights.tensor('mlp.c_proj')));
}

function unembed(config: ModelConfig, weights: WeightSource, residual: Rows): Rows {
  const width = config.modelWidth;
  const finalNorm = { weight: weights.read('ln_f.weight'), bias: weights.read('ln_f.bias') };
  const tokenTable = weights.read('wte.weight');
  return residual.map((row) => {
    const normed = layerNorm(row, finalNorm, config.layerNormEpsilon);
    const logits = new Float64Array(config.vocabSize);
    for (let token = 0; token < config.vocabSize; token++) {
      let dot = 0;
      for (let i = 0; i < width; i++) dot += normed[i] * tokenTable[token * width + i];
      logits[token] = dot;
    }
    return logits;
  });
}

interface Affine {
  weight: Float32Array;
  bias: Float32Array;
}

/** LayerNorm over one vector with the population variance, as torch computes it. */
function layerNorm(row: Float64Array, affine: Affine, epsilon: number): Float64Array {
  const mean = row.reduce((sum, value) => sum + value, 0) / row.length;
  const variance = row.reduce((sum, value) => sum + (value - mean) ** 2, 0) / row.length;
  const scale = 1 / Math.sqrt(variance + epsilon);
  return row.map((value, i) => (value - mean) * scale * affine.weight[i] + affine.bias[i]);
}

/** Hugging Face's Conv1D: y = x W + b with W stored [in, out]. */
export function conv1d(row: Float64Array, affine: Affine): Float64Array {
  const outSize = affine.bias.length;
  const result = Float64Array.from(affine.bias);
  for (let i = 0; i < row.length; i++) {
    const offset = i * outSize;
    for (let j = 0; j < outSize; j++) result[j] += row[i] * affine.weight[offset + j];
  }
  return result;
}

/** GELU with the tanh approximation GPT-2 uses (gelu_new). */
export function geluTanh(value: number): number {
  return 0.5 * value * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (value + 0.044715 * value ** 3)));
}

function softmax(scores: Float64Array): Float64Array {
  const largest = Math.max(...scores);
  const exponents = scores.map((score) => Math.exp(score - largest));
  const total = exponents.reduce((sum, value) => sum + value, 0);
  return exponents.map((value) => value / total);
}

function add(left: Float64Array, right: Float64Array): Float64Array {
  return left.map((value, i) => value + right[i]);
}

/** One block's tensors, each read the first time it is needed and dropped with the block. */
class BlockWeights {
  #source: WeightSource;
  #prefix: string;
  #cache = new Map<string, Affine>();

  constructor(source: WeightSource, layer: number) {
    this.#source = source;
    this.#prefix = `h.${layer}.`;
  }

  tensor(module: string): Affine {
    let affine = this.#cache.get(module);
    if (!affine) {
      affine = { weight: this.#source.read(`${this.#prefix}${module}.weight`), bias: this.#source.read(`${this.#prefix}${module}.bias`) };
      this.#cache.set(module, affine);
    }
    return affine;
  }
}
