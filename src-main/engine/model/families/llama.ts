import { InputError } from '../../../shared/errors.js';
import { ConfigReader } from './config-reader.js';
import type { DecoderConfig, Llama3Scaling } from './decoder/config.js';
import { decoderFamily } from './decoder/family.js';
import type { DecoderLayout, NormTensors } from './decoder/layout.js';

const ROPE_TYPES = ['default', 'llama3'] as const;

/** Llama 3.x (and Llama 2): RMSNorm, rotate-half rotary with llama3 scaling, grouped-query attention, SwiGLU. */
export const llamaFamily = decoderFamily({
  modelType: 'llama',
  label: 'Llama',
  embeddingTensor: 'model.embed_tokens.weight',
  parseConfig: parseLlamaConfig,
  layout: llamaLayout,
});

export function parseLlamaConfig(raw: unknown, file: string): DecoderConfig {
  const fields = new ConfigReader(raw, file);
  const shape = attentionShape(fields);
  fields.choice('hidden_act', ['silu'], 'silu');
  for (const key of ['attention_bias', 'mlp_bias']) {
    if (fields.flag(key, false)) fields.invalid(key, 'false (biased Llama projections are not supported)');
  }
  const vocabSize = fields.count('vocab_size');
  return {
    modelType: 'llama',
    layerCount: fields.count('num_hidden_layers'),
    modelWidth: shape.width,
    headCount: shape.heads,
    keyValueHeadCount: shape.keyValueHeads,
    headSize: shape.headSize,
    mlpWidth: fields.count('intermediate_size'),
    vocabSize,
    contextLength: fields.count('max_position_embeddings'),
    layerNormEpsilon: fields.positive('rms_norm_eps', 1e-6),
    bosTokenId: fields.tokenId('bos_token_id', 1, vocabSize),
    eosTokenId: fields.tokenId('eos_token_id', 2, vocabSize),
    rotary: { base: fields.positive('rope_theta', 10000), dimensions: shape.headSize, llama3: ropeScaling(fields) },
    tiedEmbedding: fields.flag('tie_word_embeddings', false),
    attentionScale: shape.headSize ** -0.5,
    parallelResidual: false,
  };
}

/** Heads, key-value heads and head size, checked to group evenly; shared with Gemma 2. */
export function attentionShape(fields: ConfigReader, defaultHeadSize?: number) {
  const width = fields.count('hidden_size');
  const heads = fields.count('num_attention_heads');
  const keyValueHeads = fields.count('num_key_value_heads', heads);
  if (heads % keyValueHeads !== 0) {
    throw new InputError(`config.json has num_attention_heads ${heads}, which num_key_value_heads ${keyValueHeads} does not divide.`, fields.file);
  }
  if (!fields.has('head_dim') && defaultHeadSize === undefined && width % heads !== 0) {
    throw new InputError(`config.json has hidden_size ${width}, which num_attention_heads ${heads} does not divide.`, fields.file);
  }
  const headSize = fields.count('head_dim', defaultHeadSize ?? width / heads);
  if (headSize % 2 !== 0) fields.invalid('head_dim', 'an even number (rotary pairs)');
  return { width, heads, keyValueHeads, headSize };
}

function ropeScaling(fields: ConfigReader): Llama3Scaling | undefined {
  const scaling = fields.object('rope_scaling');
  if (!scaling) return undefined;
  // Older configs say `type`, newer ones `rope_type`.
  const type = scaling.has('rope_type') ? scaling.choice('rope_type', ROPE_TYPES, 'default') : scaling.choice('type', ROPE_TYPES, 'default');
  if (type === 'default') return undefined;
  return {
    factor: scaling.positive('factor', 8),
    lowFrequencyFactor: scaling.positive('low_freq_factor', 1),
    highFrequencyFactor: scaling.positive('high_freq_factor', 4),
    originalContextLength: scaling.count('original_max_position_embeddings', 8192),
  };
}

function rmsNorm(module: string): NormTensors {
  return { kind: 'rms', module };
}

function llamaLayout(config: DecoderConfig): DecoderLayout {
  const layer = (index: number) => `model.layers.${index}`;
  return {
    embedding: 'model.embed_tokens.weight',
    scaleEmbedding: false,
    finalNorm: rmsNorm('model.norm'),
    head: config.tiedEmbedding ? 'model.embed_tokens.weight' : 'lm_head.weight',
    attention: (index) => ({
      norm: rmsNorm(`${layer(index)}.input_layernorm`),
      projection: { separate: { query: `${layer(index)}.self_attn.q_proj`, key: `${layer(index)}.self_attn.k_proj`, value: `${layer(index)}.self_attn.v_proj` } },
      output: `${layer(index)}.self_attn.o_proj`,
      bias: false,
    }),
    mlp: (index) => ({
      norm: rmsNorm(`${layer(index)}.post_attention_layernorm`),
      input: { gate: `${layer(index)}.mlp.gate_proj`, up: `${layer(index)}.mlp.up_proj` },
      output: `${layer(index)}.mlp.down_proj`,
      activation: 'silu',
      bias: false,
    }),
  };
}
