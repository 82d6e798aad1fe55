import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../shared/errors.js';
import { gpt2TensorShapes, GPT2_KEY_PREFIX } from '../model/families/gpt2/weights.js';
import { CONFIG_FILE } from '../model/folder.js';
import { TORCH_DTYPES, type SafetensorsDtype, type TensorToWrite, writeSafetensors } from '../model/safetensors.js';
import { TOKENIZER_FILE } from '../model/tokenizer.js';
import type { ModelConfig } from '../model/types.js';
import { WEIGHTS_FILE, WEIGHTS_INDEX_FILE } from '../model/weights.js';
import { normalSampler } from './random.js';
import { buildGpt2TokenizerJson, END_OF_TEXT_ID } from './tokenizer.js';

export const GPT2_VOCAB_SIZE = 50257;
export const DEMO_MODEL_FOLDER = 'resources/demo/model';

export interface DemoModelOptions {
  layers: number;
  width: number;
  heads: number;
  context: number;
  seed: number;
  dtype?: SafetensorsDtype;
  /** Store keys as a GPT2LMHeadModel does: `transformer.` prefix, lm_head.weight and attention-mask buffers. */
  keyPrefix?: boolean;
  shards?: number;
  /** Smaller vocabularies make faster test models; the tokenizer then only suits hand-picked ids. */
  vocabSize?: number;
}

/** The demo's sizes: 12 layers so per-layer figures fill a 3×4 grid, yet small enough to run anywhere. */
export const DEMO_MODEL_SETTINGS: Readonly<DemoModelOptions> = { layers: 12, width: 64, heads: 4, context: 128, seed: 20240917 };

/** Standard deviations of the random weights: large enough that every hook carries non-trivial activations. */
const WEIGHT_SCALES = { embedding: 0.1, position: 0.05, matrix: 0.1, projection: 0.05, bias: 0.02, layerNorm: 0.05 };

/** Writes a GPT-2 model folder with seeded random weights; the same seed gives the same values in every layout. */
export function writeDemoModel(dir: string, options: DemoModelOptions): void {
  checkOptions(options);
  const config = demoConfig(options);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, TOKENIZER_FILE), JSON.stringify(buildGpt2TokenizerJson()));
  writeWeights(dir, { tensors: demoTensors(config, options), shards: options.shards ?? 1 });
  // config.json goes last, so a folder interrupted mid-write is not mistaken for a finished one.
  writeFileSync(join(dir, CONFIG_FILE), JSON.stringify(huggingFaceConfig(config, options.dtype ?? 'F32'), null, 2));
}

/** Writes the demo model unless the folder already holds one of the current sizes; returns the folder. */
export function ensureDemoModel(dir = DEMO_MODEL_FOLDER): string {
  const complete = [CONFIG_FILE, TOKENIZER_FILE, WEIGHTS_FILE].every((file) => existsSync(join(dir, file)));
  if (!complete || !hasDemoSizes(join(dir, CONFIG_FILE))) writeDemoModel(dir, DEMO_MODEL_SETTINGS);
  return dir;
}

function hasDemoSizes(configFile: string): boolean {
  try {
    const written = JSON.parse(readFileSync(configFile, 'utf8'));
    const wanted = huggingFaceConfig(demoConfig(DEMO_MODEL_SETTINGS), 'F32');
    return ['n_layer', 'n_embd', 'n_head', 'n_positions', 'vocab_size'].every((key) => written[key] === wanted[key]);
  } catch {
    return false;
  }
}

function checkOptions(options: DemoModelOptions): void {
  const sizes = { layers: options.layers, width: options.width, heads: options.heads, context: options.context, shards: options.shards ?? 1 };
  for (const [name, value] of Object.entries({ ...sizes, vocabSize: options.vocabSize ?? GPT2_VOCAB_SIZE })) {
    if (!Number.isInteger(value) || value < 1) throw new InputError(`The demo model's ${name} must be a whole number of at least 1, not ${value}.`);
  }
  if (options.width % options.heads !== 0) {
    throw new InputError(`The demo model's width ${options.width} must be a multiple of its ${options.heads} heads.`);
  }
}

function demoConfig(options: DemoModelOptions): ModelConfig {
  const vocabSize = options.vocabSize ?? GPT2_VOCAB_SIZE;
  const endOfText = Math.min(END_OF_TEXT_ID, vocabSize - 1);
  return {
    modelType: 'gpt2',
    layerCount: options.layers,
    modelWidth: options.width,
    headCount: options.heads,
    vocabSize,
    contextLength: options.context,
    layerNormEpsilon: 1e-5,
    bosTokenId: endOfText,
    eosTokenId: endOfText,
  };
}

function huggingFaceConfig(config: ModelConfig, dtype: SafetensorsDtype): Record<string, unknown> {
  return {
    model_type: 'gpt2',
    architectures: ['GPT2LMHeadModel'],
    n_layer: config.layerCount,
    n_embd: config.modelWidth,
    n_head: config.headCount,
    n_positions: config.contextLength,
    n_ctx: config.contextLength,
    vocab_size: config.vocabSize,
    layer_norm_epsilon: config.layerNormEpsilon,
    activation_function: 'gelu_new',
    bos_token_id: config.bosTokenId,
    eos_token_id: config.eosTokenId,
    torch_dtype: TORCH_DTYPES[dtype],
  };
}

function demoTensors(config: ModelConfig, options: DemoModelOptions): Record<string, TensorToWrite> {
  const random = normalSampler(options.seed);
  const prefix = options.keyPrefix ? GPT2_KEY_PREFIX : '';
  const tensors: Record<string, TensorToWrite> = {};
  for (const [name, shape] of gpt2TensorShapes(config)) {
    tensors[prefix + name] = { shape, data: randomTensor(name, shape, random), dtype: options.dtype };
  }
  if (options.keyPrefix) Object.assign(tensors, headCheckpointExtras(config, tensors[`${prefix}wte.weight`]));
  return tensors;
}

function randomTensor(name: string, shape: number[], random: () => number): Float32Array {
  const data = new Float32Array(shape.reduce((product, size) => product * size, 1));
  const isLayerNorm = /ln_\w+\.weight$/.test(name);
  const scale = weightScale(name);
  for (let i = 0; i < data.length; i++) data[i] = (isLayerNorm ? 1 : 0) + scale * random();
  return data;
}

function weightScale(name: string): number {
  if (name === 'wte.weight') return WEIGHT_SCALES.embedding;
  if (name === 'wpe.weight') return WEIGHT_SCALES.position;
  if (/ln_\w+\.weight$/.test(name)) return WEIGHT_SCALES.layerNorm;
  if (name.endsWith('.bias')) return WEIGHT_SCALES.bias;
  return name.endsWith('c_proj.weight') ? WEIGHT_SCALES.projection : WEIGHT_SCALES.matrix;
}

/** What a saved GPT2LMHeadModel also carries and a loader must skip: the tied head and the causal-mask buffers. */
function headCheckpointExtras(config: ModelConfig, embedding: TensorToWrite): Record<string, TensorToWrite> {
  const extras: Record<string, TensorToWrite> = { 'lm_head.weight': embedding };
  const size = config.contextLength;
  const mask = new Float32Array(size * size).map((_, i) => (i % size <= Math.floor(i / size) ? 1 : 0));
  for (let layer = 0; layer < config.layerCount; layer++) {
    extras[`${GPT2_KEY_PREFIX}h.${layer}.attn.bias`] = { shape: [1, 1, size, size], data: mask };
    extras[`${GPT2_KEY_PREFIX}h.${layer}.attn.masked_bias`] = { shape: [], data: new Float32Array([-1e4]) };
  }
  return extras;
}

export function writeWeights(dir: string, layout: { tensors: Record<string, TensorToWrite>; shards: number }): void {
  if (layout.shards <= 1) return writeSafetensors(join(dir, WEIGHTS_FILE), layout.tensors, { format: 'pt' });
  const names = Object.keys(layout.tensors);
  const perShard = Math.ceil(names.length / layout.shards);
  const weightMap: Record<string, string> = {};
  for (let shard = 0; shard < layout.shards; shard++) {
    const file = `model-${serial(shard + 1)}-of-${serial(layout.shards)}.safetensors`;
    const slice = names.slice(shard * perShard, (shard + 1) * perShard);
    writeSafetensors(join(dir, file), Object.fromEntries(slice.map((name) => [name, layout.tensors[name]])), { format: 'pt' });
    slice.forEach((name) => (weightMap[name] = file));
  }
  writeFileSync(join(dir, WEIGHTS_INDEX_FILE), JSON.stringify({ metadata: {}, weight_map: weightMap }, null, 2));
}

function serial(value: number): string {
  return String(value).padStart(5, '0');
}
