import { ConfigReader } from './config-reader.js';
import type { DecoderConfig } from './decoder/config.js';
import { decoderFamily } from './decoder/family.js';
import type { DecoderLayout, NormTensors } from './decoder/layout.js';
import { attentionShape } from './llama.js';

/** Hugging Face's Gemma2Config defaults, which released configs mostly spell out anyway. */
const GEMMA2_DEFAULTS = { headSize: 256, queryScalar: 256, attentionSoftcap: 50, finalSoftcap: 30, slidingWindow: 4096 };

/** Gemma 2: (1 + w) RMSNorms before and after each sublayer, √width embeddings, GeGLU, soft caps, sliding windows on even layers. */
export const gemma2Family = decoderFamily({
  modelType: 'gemma2',
  label: 'Gemma 2',
  embeddingTensor: 'model.embed_tokens.weight',
  parseConfig: parseGemma2Config,
  layout: gemma2Layout,
});

export function parseGemma2Config(raw: unknown, file: string): DecoderConfig {
  const fields = new ConfigReader(raw, file);
  const shape = attentionShape(fields, GEMMA2_DEFAULTS.headSize);
  fields.choice(fields.has('hidden_activation') ? 'hidden_activation' : 'hidden_act', ['gelu_pytorch_tanh'], 'gelu_pytorch_tanh');
  const vocabSize = fields.count('vocab_size');
  return {
    modelType: 'gemma2',
    layerCount: fields.count('num_hidden_layers'),
    modelWidth: shape.width,
    headCount: shape.heads,
    keyValueHeadCount: shape.keyValueHeads,
    headSize: shape.headSize,
    mlpWidth: fields.count('intermediate_size'),
    vocabSize,
    contextLength: fields.count('max_position_embeddings', 8192),
    layerNormEpsilon: fields.positive('rms_norm_eps', 1e-6),
    bosTokenId: fields.tokenId('bos_token_id', 2, vocabSize),
    eosTokenId: fields.tokenId('eos_token_id', 1, vocabSize),
    rotary: { base: fields.positive('rope_theta', 10000), dimensions: shape.headSize },
    tiedEmbedding: fields.flag('tie_word_embeddings', true),
    attentionScale: fields.positive('query_pre_attn_scalar', GEMMA2_DEFAULTS.queryScalar) ** -0.5,
    attentionSoftcap: softcapOf(raw, fields, 'attn_logit_softcapping', GEMMA2_DEFAULTS.attentionSoftcap),
    finalSoftcap: softcapOf(raw, fields, 'final_logit_softcapping', GEMMA2_DEFAULTS.finalSoftcap),
    slidingWindow: fields.count('sliding_window', GEMMA2_DEFAULTS.slidingWindow),
    parallelResidual: false,
  };
}

/** A cap written as null turns capping off; a missing one takes Hugging Face's default. */
function softcapOf(raw: unknown, fields: ConfigReader, key: string, fallback: number): number | undefined {
  if ((raw as Record<string, unknown>)[key] === null) return undefined;
  return fields.positive(key, fallback);
}

function gemmaNorm(module: string): NormTensors {
  return { kind: 'rms-offset', module };
}

function gemma2Layout(config: DecoderConfig): DecoderLayout {
  const layer = (index: number) => `model.layers.${index}`;
  return {
    embedding: 'model.embed_tokens.weight',
    scaleEmbedding: true,
    finalNorm: gemmaNorm('model.norm'),
    head: config.tiedEmbedding ? 'model.embed_tokens.weight' : 'lm_head.weight',
    attention: (index) => ({
      norm: gemmaNorm(`${layer(index)}.input_layernorm`),
      projection: { separate: { query: `${layer(index)}.self_attn.q_proj`, key: `${layer(index)}.self_attn.k_proj`, value: `${layer(index)}.self_attn.v_proj` } },
      output: `${layer(index)}.self_attn.o_proj`,
      bias: false,
      postNorm: gemmaNorm(`${layer(index)}.post_attention_layernorm`),
    }),
    mlp: (index) => ({
      norm: gemmaNorm(`${layer(index)}.pre_feedforward_layernorm`),
      input: { gate: `${layer(index)}.mlp.gate_proj`, up: `${layer(index)}.mlp.up_proj` },
      output: `${layer(index)}.mlp.down_proj`,
      activation: 'gelu-tanh',
      bias: false,
      postNorm: gemmaNorm(`${layer(index)}.post_feedforward_layernorm`),
    }),
  };
}
