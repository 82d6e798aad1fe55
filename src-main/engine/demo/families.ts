import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../shared/errors.js';
import type { DecoderConfig } from '../model/families/decoder/config.js';
import type { DecoderFamily } from '../model/families/decoder/family.js';
import { gemma2Family } from '../model/families/gemma2.js';
import { gptNeoxFamily } from '../model/families/gpt-neox.js';
import { llamaFamily } from '../model/families/llama.js';
import { CONFIG_FILE } from '../model/folder.js';
import { TORCH_DTYPES, type SafetensorsDtype, type TensorToWrite } from '../model/safetensors.js';
import { TOKENIZER_FILE } from '../model/tokenizer.js';
import { WEIGHTS_FILE } from '../model/weights.js';
import { DEMO_MODEL_FOLDER, DEMO_MODEL_SETTINGS, writeWeights } from './model.js';
import { normalSampler } from './random.js';
import { buildSmallTokenizerJson } from './tokenizer.js';

/** The families `make-model --family` writes besides GPT-2, by their short CLI names. */
export const GENERATED_FAMILIES = ['llama', 'gemma2', 'neox'] as const;
export type GeneratedFamily = (typeof GENERATED_FAMILIES)[number];

export interface FamilyModelOptions {
  family: GeneratedFamily;
  layers: number;
  width: number;
  heads: number;
  /** Key-value heads; fewer than heads makes grouped-query attention (Llama, Gemma 2; GPT-NeoX has none). */
  keyValueHeads: number;
  context: number;
  seed: number;
  /** Byte-level BPE tokens before the family's special tokens. */
  vocabSize: number;
  dtype?: SafetensorsDtype;
  shards?: number;
  /** Read the head from the embedding table instead of its own tensor. */
  tied?: boolean;
}

interface FamilyRecipe {
  family: DecoderFamily;
  /** Special tokens after the BPE vocabulary; the config's bos and eos point at them. */
  specials: { tokens: string[]; bos: number; eos: number };
  config(options: FamilyModelOptions, ids: { bos: number; eos: number; vocabSize: number }): Record<string, unknown>;
}

/** The GPT-2 demo's sizes, so the demos compare; every family feature shows at them (grouped queries, llama3 scaling, a short sliding window, soft caps, partial rotary). */
export const FAMILY_MODEL_SETTINGS: Readonly<Omit<FamilyModelOptions, 'family'>> = {
  layers: DEMO_MODEL_SETTINGS.layers,
  width: DEMO_MODEL_SETTINGS.width,
  heads: DEMO_MODEL_SETTINGS.heads,
  keyValueHeads: 2,
  context: DEMO_MODEL_SETTINGS.context,
  seed: DEMO_MODEL_SETTINGS.seed,
  vocabSize: 1024,
};

const RECIPES: Record<GeneratedFamily, FamilyRecipe> = {
  llama: {
    family: llamaFamily,
    specials: { tokens: ['<|begin_of_text|>', '<|end_of_text|>'], bos: 0, eos: 1 },
    config: (options, ids) => ({
      model_type: 'llama',
      architectures: ['LlamaForCausalLM'],
      ...commonSizes(options, ids),
      num_key_value_heads: options.keyValueHeads,
      head_dim: options.width / options.heads,
      intermediate_size: 4 * options.width,
      hidden_act: 'silu',
      rms_norm_eps: 1e-5,
      rope_theta: 500000,
      // A short original context puts the head's frequencies in all three llama3 bands: kept, smoothed and slowed.
      rope_scaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 64 },
      attention_bias: false,
      mlp_bias: false,
      tie_word_embeddings: options.tied ?? false,
    }),
  },
  gemma2: {
    family: gemma2Family,
    specials: { tokens: ['<pad>', '<eos>', '<bos>'], bos: 2, eos: 1 },
    config: (options, ids) => ({
      model_type: 'gemma2',
      architectures: ['Gemma2ForCausalLM'],
      ...commonSizes(options, ids),
      num_key_value_heads: options.keyValueHeads,
      head_dim: options.width / options.heads,
      intermediate_size: 4 * options.width,
      hidden_activation: 'gelu_pytorch_tanh',
      rms_norm_eps: 1e-6,
      rope_theta: 10000,
      query_pre_attn_scalar: 24,
      // Caps low enough to bend this model's scores and logits, and a window shorter than most texts.
      attn_logit_softcapping: 2,
      final_logit_softcapping: 3,
      sliding_window: 6,
      pad_token_id: ids.vocabSize - 3,
      tie_word_embeddings: options.tied ?? true,
    }),
  },
  neox: {
    family: gptNeoxFamily,
    specials: { tokens: ['<|endoftext|>'], bos: 0, eos: 0 },
    config: (options, ids) => ({
      model_type: 'gpt_neox',
      architectures: ['GPTNeoXForCausalLM'],
      ...commonSizes(options, ids),
      intermediate_size: 4 * options.width,
      hidden_act: 'gelu',
      layer_norm_eps: 1e-5,
      rotary_pct: 0.25,
      rotary_emb_base: 10000,
      use_parallel_residual: true,
      tie_word_embeddings: options.tied ?? false,
    }),
  },
};

function commonSizes(options: FamilyModelOptions, ids: { bos: number; eos: number; vocabSize: number }): Record<string, unknown> {
  return {
    hidden_size: options.width,
    num_hidden_layers: options.layers,
    num_attention_heads: options.heads,
    max_position_embeddings: options.context,
    vocab_size: ids.vocabSize,
    bos_token_id: ids.bos,
    eos_token_id: ids.eos,
    torch_dtype: TORCH_DTYPES[options.dtype ?? 'F32'],
  };
}

/** Writes a Llama, Gemma 2 or GPT-NeoX folder with seeded random weights and a small byte-level BPE tokenizer. */
export function writeFamilyModel(dir: string, options: FamilyModelOptions): void {
  checkOptions(options);
  const recipe = RECIPES[options.family];
  const rawConfig = familyConfig(options);
  const config = recipe.family.parseConfig(rawConfig, join(dir, CONFIG_FILE));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, TOKENIZER_FILE), JSON.stringify(buildSmallTokenizerJson(options.vocabSize, recipe.specials.tokens)));
  writeWeights(dir, { tensors: randomTensors(recipe.family.tensorShapes(config), options), shards: options.shards ?? 1 });
  // config.json goes last, so a folder interrupted mid-write is not mistaken for a finished one.
  writeFileSync(join(dir, CONFIG_FILE), JSON.stringify(rawConfig, null, 2));
}

/** config.json as Hugging Face would write it, special tokens numbered after the BPE vocabulary. */
function familyConfig(options: FamilyModelOptions): Record<string, unknown> {
  const recipe = RECIPES[options.family];
  const { tokens, bos, eos } = recipe.specials;
  return recipe.config(options, { bos: options.vocabSize + bos, eos: options.vocabSize + eos, vocabSize: options.vocabSize + tokens.length });
}

function checkOptions(options: FamilyModelOptions): void {
  const { layers, width, heads, keyValueHeads, context, vocabSize } = options;
  for (const [name, value] of Object.entries({ layers, width, heads, keyValueHeads, context, shards: options.shards ?? 1 })) {
    if (!Number.isInteger(value) || value < 1) throw new InputError(`The generated model's ${name} must be a whole number of at least 1, not ${value}.`);
  }
  if (!Number.isInteger(vocabSize) || vocabSize < 256) throw new InputError(`A byte-level vocabulary needs at least 256 tokens, not ${vocabSize}.`);
  if (heads % keyValueHeads !== 0) throw new InputError(`The ${heads} heads must be a multiple of the ${keyValueHeads} key-value heads.`);
  if (width % heads !== 0 || (width / heads) % 2 !== 0) throw new InputError(`The width ${width} must split into ${heads} heads of an even size.`);
}

/** Normal weights by role: norms near their identity, embeddings and projections small enough to keep activations moderate. */
function randomTensors(shapes: Map<string, number[]>, options: FamilyModelOptions): Record<string, TensorToWrite> {
  const random = normalSampler(options.seed);
  const tensors: Record<string, TensorToWrite> = {};
  for (const [name, shape] of shapes) {
    const { centre, scale } = initialisation(name, options.family);
    const data = new Float32Array(shape.reduce((product, size) => product * size, 1));
    for (let i = 0; i < data.length; i++) data[i] = centre + scale * random();
    tensors[name] = { shape, data, dtype: options.dtype };
  }
  return tensors;
}

function initialisation(name: string, family: GeneratedFamily): { centre: number; scale: number } {
  const isNorm = /norm\.(weight|bias)$/.test(name);
  // Gemma's norms scale by (1 + w), so w near 0 is the identity.
  if (isNorm && name.endsWith('.weight')) return { centre: family === 'gemma2' ? 0 : 1, scale: 0.1 };
  if (isNorm || name.endsWith('.bias')) return { centre: 0, scale: 0.02 };
  if (/embed/.test(name)) return { centre: 0, scale: family === 'gemma2' ? 0.05 : 0.5 };
  return { centre: 0, scale: 0.15 };
}


/** Where `demo --family` keeps its model, beside the GPT-2 demo's. */
export function familyDemoFolder(family: GeneratedFamily): string {
  return `${DEMO_MODEL_FOLDER}-${family}`;
}

/** Writes the family's demo model unless the folder holds one from the same settings; returns the settings as its recipe. */
export function ensureFamilyDemoModel(dir: string, family: GeneratedFamily): FamilyModelOptions {
  const options: FamilyModelOptions = { ...FAMILY_MODEL_SETTINGS, family };
  const wanted = JSON.stringify(familyConfig(options), null, 2);
  const configFile = join(dir, CONFIG_FILE);
  const current = existsSync(configFile) && existsSync(join(dir, WEIGHTS_FILE)) && readFileSync(configFile, 'utf8') === wanted;
  if (!current) writeFamilyModel(dir, options);
  return options;
}
