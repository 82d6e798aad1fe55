import { InputError } from '../../../shared/errors.js';
import { ConfigReader } from './config-reader.js';
import type { DecoderConfig } from './decoder/config.js';
import { decoderFamily } from './decoder/family.js';
import type { DecoderLayout, NormTensors } from './decoder/layout.js';

/** GPT-NeoX and Pythia: biased LayerNorms, fused per-head [q, k, v], partial rotary, exact GELU, parallel residual. */
export const gptNeoxFamily = decoderFamily({
  modelType: 'gpt_neox',
  label: 'GPT-NeoX',
  embeddingTensor: 'gpt_neox.embed_in.weight',
  parseConfig: parseGptNeoxConfig,
  layout: gptNeoxLayout,
});

export function parseGptNeoxConfig(raw: unknown, file: string): DecoderConfig {
  const fields = new ConfigReader(raw, file);
  const width = fields.count('hidden_size');
  const heads = fields.count('num_attention_heads');
  if (width % heads !== 0) throw new InputError(`config.json has hidden_size ${width}, which num_attention_heads ${heads} does not divide.`, file);
  fields.choice('hidden_act', ['gelu'], 'gelu');
  if (fields.has('rope_scaling')) fields.invalid('rope_scaling', 'null (scaled GPT-NeoX rotary is not supported)');
  if (!fields.flag('attention_bias', true)) fields.invalid('attention_bias', 'true');
  const headSize = width / heads;
  const vocabSize = fields.count('vocab_size');
  return {
    modelType: 'gpt_neox',
    layerCount: fields.count('num_hidden_layers'),
    modelWidth: width,
    headCount: heads,
    keyValueHeadCount: heads,
    headSize,
    mlpWidth: fields.count('intermediate_size'),
    vocabSize,
    contextLength: fields.count('max_position_embeddings'),
    layerNormEpsilon: fields.positive('layer_norm_eps', 1e-5),
    bosTokenId: fields.tokenId('bos_token_id', 0, vocabSize),
    eosTokenId: fields.tokenId('eos_token_id', 0, vocabSize),
    rotary: { base: fields.positive('rotary_emb_base', fields.positive('rope_theta', 10000)), dimensions: rotaryDimensions(fields, headSize) },
    tiedEmbedding: fields.flag('tie_word_embeddings', false),
    attentionScale: headSize ** -0.5,
    parallelResidual: fields.flag('use_parallel_residual', true),
  };
}

/** int(head size × rotary_pct) as Hugging Face rounds it; newer configs call the fraction partial_rotary_factor. */
function rotaryDimensions(fields: ConfigReader, headSize: number): number {
  const key = fields.has('partial_rotary_factor') ? 'partial_rotary_factor' : 'rotary_pct';
  const dimensions = Math.floor(headSize * fields.fraction(key, 0.25));
  if (dimensions < 2 || dimensions % 2 !== 0) fields.invalid(key, `a fraction giving an even number of rotary dims of the ${headSize}-wide heads`);
  return dimensions;
}

function layerNorm(module: string): NormTensors {
  return { kind: 'layer', module };
}

function gptNeoxLayout(config: DecoderConfig): DecoderLayout {
  const layer = (index: number) => `gpt_neox.layers.${index}`;
  return {
    embedding: 'gpt_neox.embed_in.weight',
    scaleEmbedding: false,
    finalNorm: layerNorm('gpt_neox.final_layer_norm'),
    head: config.tiedEmbedding ? 'gpt_neox.embed_in.weight' : 'embed_out.weight',
    attention: (index) => ({
      norm: layerNorm(`${layer(index)}.input_layernorm`),
      projection: { fused: `${layer(index)}.attention.query_key_value` },
      output: `${layer(index)}.attention.dense`,
      bias: true,
    }),
    mlp: (index) => ({
      norm: layerNorm(`${layer(index)}.post_attention_layernorm`),
      input: { plain: `${layer(index)}.mlp.dense_h_to_4h` },
      output: `${layer(index)}.mlp.dense_4h_to_h`,
      activation: 'gelu',
      bias: true,
    }),
  };
}
