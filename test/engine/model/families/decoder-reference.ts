import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openWeights } from '../../../../src-main/engine/model/weights.js';
import type { WeightSource } from '../../../../src-main/engine/model/types.js';

/**
 * Llama, Gemma 2 and GPT-NeoX as Hugging Face's modelling code computes them, in plain float64 loops over one
 * window, read straight from config.json and the checkpoint's own tensor names: independent of the ONNX graphs.
 */

type Vector = Float64Array;
type Rows = Vector[];
type Raw = Record<string, any>;

export interface DecoderReference {
  hooks: Map<string, Rows>;
  logits: Rows;
}

interface Model {
  raw: Raw;
  type: 'llama' | 'gemma2' | 'gpt_neox';
  weights: WeightSource;
  width: number;
  heads: number;
  kvHeads: number;
  headSize: number;
  epsilon: number;
  cache: Map<string, Float32Array>;
}

export function decoderReference(dir: string, tokens: number[]): DecoderReference {
  const raw = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Raw;
  const weights = openWeights(dir);
  try {
    const model = describeModel(raw, weights);
    const hooks = new Map<string, Rows>();
    let residual = embed(model, tokens);
    for (let layer = 0; layer < raw.num_hidden_layers; layer++) residual = block(model, layer, residual, hooks);
    return { hooks, logits: head(model, residual) };
  } finally {
    weights.close();
  }
}

function describeModel(raw: Raw, weights: WeightSource): Model {
  const heads = raw.num_attention_heads;
  return {
    raw,
    type: raw.model_type,
    weights,
    width: raw.hidden_size,
    heads,
    kvHeads: raw.num_key_value_heads ?? heads,
    headSize: raw.head_dim ?? raw.hidden_size / heads,
    epsilon: raw.rms_norm_eps ?? raw.layer_norm_eps,
    cache: new Map(),
  };
}

function read(model: Model, name: string): Float32Array {
  if (!model.cache.has(name)) model.cache.set(name, model.weights.read(name));
  return model.cache.get(name)!;
}

function embed(model: Model, tokens: number[]): Rows {
  const table = read(model, model.type === 'gpt_neox' ? 'gpt_neox.embed_in.weight' : 'model.embed_tokens.weight');
  const scale = model.type === 'gemma2' ? Math.sqrt(model.width) : 1;
  return tokens.map((token) => Float64Array.from(table.subarray(token * model.width, (token + 1) * model.width), (value) => value * scale));
}

function block(model: Model, layer: number, pre: Rows, hooks: Map<string, Rows>): Rows {
  const record = (kind: string, rows: Rows) => hooks.set(`blocks.${layer}.${kind}`, rows);
  record('hook_resid_pre', pre);
  if (model.type === 'gpt_neox') return neoxBlock(model, layer, pre, record);
  const prefix = `model.layers.${layer}`;
  const gemma = model.type === 'gemma2';
  let attentionOut = attention(model, layer, pre.map((row) => rmsNorm(model, row, `${prefix}.input_layernorm`)));
  if (gemma) attentionOut = attentionOut.map((row) => rmsNorm(model, row, `${prefix}.post_attention_layernorm`));
  const mid = add(pre, attentionOut);
  const mlpInput = mid.map((row) => rmsNorm(model, row, `${prefix}.${gemma ? 'pre_feedforward_layernorm' : 'post_attention_layernorm'}`));
  let mlpOut = gatedMlp(model, prefix, mlpInput);
  if (gemma) mlpOut = mlpOut.map((row) => rmsNorm(model, row, `${prefix}.post_feedforward_layernorm`));
  const post = add(mid, mlpOut);
  record('hook_attn_out', attentionOut);
  record('hook_resid_mid', mid);
  record('hook_mlp_out', mlpOut);
  record('hook_resid_post', post);
  return post;
}

function neoxBlock(model: Model, layer: number, pre: Rows, record: (kind: string, rows: Rows) => void): Rows {
  const prefix = `gpt_neox.layers.${layer}`;
  const attentionOut = attention(model, layer, pre.map((row) => layerNorm(model, row, `${prefix}.input_layernorm`)));
  const parallel = model.raw.use_parallel_residual ?? true;
  const mid = parallel ? pre : add(pre, attentionOut);
  const mlpInput = mid.map((row) => layerNorm(model, row, `${prefix}.post_attention_layernorm`));
  const hidden = mlpInput.map((row) => linear(model, row, `${prefix}.mlp.dense_h_to_4h`, true).map(geluExact));
  const mlpOut = hidden.map((row) => linear(model, row, `${prefix}.mlp.dense_4h_to_h`, true));
  const post = parallel ? add(add(pre, attentionOut), mlpOut) : add(mid, mlpOut);
  record('hook_attn_out', attentionOut);
  if (!parallel) record('hook_resid_mid', mid);
  record('hook_mlp_out', mlpOut);
  record('hook_resid_post', post);
  return post;
}

function gatedMlp(model: Model, prefix: string, rows: Rows): Rows {
  const activation = model.type === 'gemma2' ? geluTanh : silu;
  return rows.map((row) => {
    const gate = linear(model, row, `${prefix}.mlp.gate_proj`, false);
    const up = linear(model, row, `${prefix}.mlp.up_proj`, false);
    return linear(model, gate.map((value, i) => activation(value) * up[i]), `${prefix}.mlp.down_proj`, false);
  });
}

function head(model: Model, residual: Rows): Rows {
  const neox = model.type === 'gpt_neox';
  const normed = residual.map((row) => (neox ? layerNorm(model, row, 'gpt_neox.final_layer_norm') : rmsNorm(model, row, 'model.norm')));
  const tied = model.raw.tie_word_embeddings ?? model.type === 'gemma2';
  const table = tied ? (neox ? 'gpt_neox.embed_in.weight' : 'model.embed_tokens.weight') : neox ? 'embed_out.weight' : 'lm_head.weight';
  const cap = model.type === 'gemma2' ? model.raw.final_logit_softcapping : null;
  return normed.map((row) => {
    const logits = linearWith(read(model, table), row, undefined);
    return cap ? logits.map((value) => Math.tanh(value / cap) * cap) : logits;
  });
}

// ---- attention ----

function attention(model: Model, layer: number, input: Rows): Rows {
  const { query, key, value, output } = projections(model, layer, input);
  const group = model.heads / model.kvHeads;
  const mixed = input.map(() => new Float64Array(model.heads * model.headSize));
  for (let h = 0; h < model.heads; h++) {
    const kv = Math.floor(h / group);
    for (let i = 0; i < input.length; i++) {
      const target = mixed[i]!.subarray(h * model.headSize, (h + 1) * model.headSize);
      attendFrom(model, { layer, i, query: query[i]![h]!, keys: key.map((row) => row[kv]!), values: value.map((row) => row[kv]!), target });
    }
  }
  return mixed.map(output);
}

interface Attend {
  layer: number;
  i: number;
  query: Vector;
  keys: Vector[];
  values: Vector[];
  target: Vector;
}

function attendFrom(model: Model, step: Attend): void {
  const visible: number[] = [];
  const window = model.type === 'gemma2' && step.layer % 2 === 0 ? model.raw.sliding_window : Infinity;
  for (let j = 0; j <= step.i; j++) if (step.i - j < window) visible.push(j);
  const scale = model.type === 'gemma2' ? model.raw.query_pre_attn_scalar ** -0.5 : model.headSize ** -0.5;
  const cap = model.type === 'gemma2' ? model.raw.attn_logit_softcapping : null;
  const scores = visible.map((j) => {
    const score = dot(step.query, step.keys[j]!) * scale;
    return cap ? Math.tanh(score / cap) * cap : score;
  });
  const probabilities = softmax(scores);
  visible.forEach((j, index) => step.values[j]!.forEach((value, d) => (step.target[d] += probabilities[index]! * value)));
}

interface Projections {
  /** [position][head] → rotated head vector */
  query: Vector[][];
  key: Vector[][];
  value: Vector[][];
  output: (mixed: Vector) => Vector;
}

function projections(model: Model, layer: number, input: Rows): Projections {
  const frequencies = rotaryFrequencies(model);
  const rotateAll = (heads: Vector[], position: number) => heads.map((head) => rotate(head, frequencies, position));
  if (model.type === 'gpt_neox') {
    const prefix = `gpt_neox.layers.${layer}.attention`;
    const fused = input.map((row) => linear(model, row, `${prefix}.query_key_value`, true));
    const part = (row: Vector, h: number, which: number) => row.slice((3 * h + which) * model.headSize, (3 * h + which + 1) * model.headSize);
    const heads = (which: number) => fused.map((row) => Array.from({ length: model.heads }, (_, h) => part(row, h, which)));
    return {
      query: heads(0).map(rotateAll),
      key: heads(1).map(rotateAll),
      value: heads(2),
      output: (mixed) => linear(model, mixed, `${prefix}.dense`, true),
    };
  }
  const prefix = `model.layers.${layer}.self_attn`;
  const split = (row: Vector, count: number) => Array.from({ length: count }, (_, h) => row.slice(h * model.headSize, (h + 1) * model.headSize));
  const project = (name: string, count: number) => input.map((row) => split(linear(model, row, `${prefix}.${name}`, false), count));
  return {
    query: project('q_proj', model.heads).map(rotateAll),
    key: project('k_proj', model.kvHeads).map(rotateAll),
    value: project('v_proj', model.kvHeads),
    output: (mixed) => linear(model, mixed, `${prefix}.o_proj`, false),
  };
}

/** θ^(−2i/d) over the rotating dims, with Llama 3.1's frequency bands when rope_scaling says llama3. */
function rotaryFrequencies(model: Model): number[] {
  const raw = model.raw;
  const dims = model.type === 'gpt_neox' ? Math.floor(model.headSize * (raw.rotary_pct ?? 0.25)) : model.headSize;
  const base = raw.rope_theta ?? raw.rotary_emb_base ?? 10000;
  const plain = Array.from({ length: dims / 2 }, (_, i) => base ** (-(2 * i) / dims));
  const scaling = raw.rope_scaling;
  if (!scaling || (scaling.rope_type ?? scaling.type) !== 'llama3') return plain;
  const lowWavelength = scaling.original_max_position_embeddings / scaling.low_freq_factor;
  const highWavelength = scaling.original_max_position_embeddings / scaling.high_freq_factor;
  return plain.map((frequency) => {
    const wavelength = (2 * Math.PI) / frequency;
    if (wavelength < highWavelength) return frequency;
    if (wavelength > lowWavelength) return frequency / scaling.factor;
    const t = (scaling.original_max_position_embeddings / wavelength - scaling.low_freq_factor) / (scaling.high_freq_factor - scaling.low_freq_factor);
    return (1 - t) * (frequency / scaling.factor) + t * frequency;
  });
}

/** Pairs (i, i + d/2) of the rotating dims turn by position × frequency i; dims past them pass unchanged. */
function rotate(head: Vector, frequencies: number[], position: number): Vector {
  const half = frequencies.length;
  const result = Float64Array.from(head);
  frequencies.forEach((frequency, i) => {
    const [cos, sin] = [Math.cos(position * frequency), Math.sin(position * frequency)];
    result[i] = head[i]! * cos - head[i + half]! * sin;
    result[i + half] = head[i + half]! * cos + head[i]! * sin;
  });
  return result;
}

// ---- arithmetic ----

function linear(model: Model, row: Vector, module: string, bias: boolean): Vector {
  return linearWith(read(model, `${module}.weight`), row, bias ? read(model, `${module}.bias`) : undefined);
}

/** x Wᵀ + b with W stored [out, in]. */
function linearWith(weight: Float32Array, row: Vector, bias: Float32Array | undefined): Vector {
  const outSize = weight.length / row.length;
  const result = new Float64Array(outSize);
  for (let o = 0; o < outSize; o++) {
    let total = bias ? bias[o]! : 0;
    for (let i = 0; i < row.length; i++) total += weight[o * row.length + i]! * row[i]!;
    result[o] = total;
  }
  return result;
}

function rmsNorm(model: Model, row: Vector, module: string): Vector {
  const weight = read(model, `${module}.weight`);
  const scale = 1 / Math.sqrt(row.reduce((total, value) => total + value * value, 0) / row.length + model.epsilon);
  const offset = model.type === 'gemma2' ? 1 : 0;
  return row.map((value, i) => value * scale * (offset + weight[i]!));
}

function layerNorm(model: Model, row: Vector, module: string): Vector {
  const [weight, bias] = [read(model, `${module}.weight`), read(model, `${module}.bias`)];
  const mean = row.reduce((total, value) => total + value, 0) / row.length;
  const variance = row.reduce((total, value) => total + (value - mean) ** 2, 0) / row.length;
  return row.map((value, i) => ((value - mean) / Math.sqrt(variance + model.epsilon)) * weight[i]! + bias[i]!);
}

function silu(x: number): number {
  return x / (1 + Math.exp(-x));
}

function geluTanh(x: number): number {
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
}

function geluExact(x: number): number {
  return 0.5 * x * (1 + erf(x / Math.SQRT2));
}

/** erf by its Taylor series near 0 and by erfc's continued fraction further out, both good to ~1e-13. */
export function erf(x: number): number {
  const size = Math.abs(x);
  if (size < 2.5) {
    let [term, total] = [x, x];
    for (let n = 1; n < 60; n++) {
      term *= (-x * x) / n;
      total += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * total;
  }
  let fraction = size;
  for (let n = 80; n >= 1; n--) fraction = size + n / 2 / fraction;
  const complement = Math.exp(-size * size) / Math.sqrt(Math.PI) / fraction;
  return Math.sign(x) * (1 - complement);
}

function dot(left: Vector, right: Vector): number {
  return left.reduce((total, value, i) => total + value * right[i]!, 0);
}

function softmax(scores: number[]): number[] {
  const largest = Math.max(...scores);
  const exponents = scores.map((score) => Math.exp(score - largest));
  const total = exponents.reduce((sum, value) => sum + value, 0);
  return exponents.map((value) => value / total);
}

function add(left: Rows, right: Rows): Rows {
  return left.map((row, position) => row.map((value, i) => value + right[position]![i]!));
}
