import { describe, expect, it } from 'vitest';
import { parseGemma2Config } from '../../../../src-main/engine/model/families/gemma2.js';
import { parseGptNeoxConfig } from '../../../../src-main/engine/model/families/gpt-neox.js';
import { parseLlamaConfig } from '../../../../src-main/engine/model/families/llama.js';

const FILE = '/models/x/config.json';

/** Llama 3.1 8B's config.json, as released. */
const LLAMA_31_8B = {
  model_type: 'llama', hidden_size: 4096, intermediate_size: 14336, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 8,
  max_position_embeddings: 131072, rms_norm_eps: 1e-5, rope_theta: 500000, vocab_size: 128256, bos_token_id: 128000, eos_token_id: [128001, 128008, 128009],
  hidden_act: 'silu', tie_word_embeddings: false, attention_bias: false, mlp_bias: false,
  rope_scaling: { factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192, rope_type: 'llama3' },
};

/** Gemma 2 2B's config.json, as released. */
const GEMMA2_2B = {
  model_type: 'gemma2', hidden_size: 2304, intermediate_size: 9216, num_hidden_layers: 26, num_attention_heads: 8, num_key_value_heads: 4, head_dim: 256,
  max_position_embeddings: 8192, rms_norm_eps: 1e-6, rope_theta: 10000, vocab_size: 256000, bos_token_id: 2, eos_token_id: 1, pad_token_id: 0,
  hidden_activation: 'gelu_pytorch_tanh', query_pre_attn_scalar: 256, attn_logit_softcapping: 50, final_logit_softcapping: 30, sliding_window: 4096,
};

/** Pythia 70M's config.json, as released. */
const PYTHIA_70M = {
  model_type: 'gpt_neox', hidden_size: 512, intermediate_size: 2048, num_hidden_layers: 6, num_attention_heads: 8, max_position_embeddings: 2048,
  rotary_pct: 0.25, rotary_emb_base: 10000, layer_norm_eps: 1e-5, use_parallel_residual: true, hidden_act: 'gelu', vocab_size: 50304,
  bos_token_id: 0, eos_token_id: 0, tie_word_embeddings: false,
};

describe('the released configs', () => {
  it('reads Llama 3.1 8B: grouped queries, llama3 scaling, the first of several eos ids', () => {
    expect(parseLlamaConfig(LLAMA_31_8B, FILE)).toMatchObject({
      layerCount: 32, modelWidth: 4096, headCount: 32, keyValueHeadCount: 8, headSize: 128, mlpWidth: 14336, bosTokenId: 128000, eosTokenId: 128001,
      tiedEmbedding: false, parallelResidual: false, rotary: { base: 500000, dimensions: 128, llama3: { factor: 8, lowFrequencyFactor: 1, highFrequencyFactor: 4, originalContextLength: 8192 } },
    });
  });

  it('reads Gemma 2 2B: head_dim 256, soft caps, sliding window, tied head', () => {
    const config = parseGemma2Config(GEMMA2_2B, FILE);
    expect(config).toMatchObject({ headSize: 256, keyValueHeadCount: 4, attentionSoftcap: 50, finalSoftcap: 30, slidingWindow: 4096, tiedEmbedding: true, bosTokenId: 2 });
    expect(config.attentionScale).toBeCloseTo(1 / 16, 12);
    expect(parseGemma2Config({ ...GEMMA2_2B, attn_logit_softcapping: null }, FILE).attentionSoftcap).toBeUndefined();
  });

  it('reads Pythia 70M: a quarter of each 64-wide head rotates, parallel residual, untied head', () => {
    expect(parseGptNeoxConfig(PYTHIA_70M, FILE)).toMatchObject({ headSize: 64, keyValueHeadCount: 8, rotary: { base: 10000, dimensions: 16 }, parallelResidual: true, tiedEmbedding: false });
  });
});

describe('configs the forward cannot run', () => {
  it.each<[string, () => unknown, string]>([
    ['yarn scaling', () => parseLlamaConfig({ ...LLAMA_31_8B, rope_scaling: { rope_type: 'yarn', factor: 4 } }, FILE), "config.json field 'rope_type' must be one of default, llama3, not \"yarn\"."],
    ['uneven groups', () => parseLlamaConfig({ ...LLAMA_31_8B, num_key_value_heads: 5 }, FILE), 'config.json has num_attention_heads 32, which num_key_value_heads 5 does not divide.'],
    ['biased Llama projections', () => parseLlamaConfig({ ...LLAMA_31_8B, attention_bias: true }, FILE), "config.json field 'attention_bias' must be false (biased Llama projections are not supported), not true."],
    ['another Gemma activation', () => parseGemma2Config({ ...GEMMA2_2B, hidden_activation: 'relu' }, FILE), "config.json field 'hidden_activation' must be one of gelu_pytorch_tanh, not \"relu\"."],
    ['an odd rotary width', () => parseGptNeoxConfig({ ...PYTHIA_70M, rotary_pct: 0.3 }, FILE), "config.json field 'rotary_pct' must be a fraction giving an even number of rotary dims of the 64-wide heads, not 0.3."],
    ['a tanh GELU on GPT-NeoX', () => parseGptNeoxConfig({ ...PYTHIA_70M, hidden_act: 'gelu_new' }, FILE), "config.json field 'hidden_act' must be one of gelu, not \"gelu_new\"."],
    ['a missing size', () => parseGptNeoxConfig({ ...PYTHIA_70M, hidden_size: undefined }, FILE), "config.json has no 'hidden_size' field."],
  ])('refuses %s', (_, parse, message) => {
    expect(parse).toThrow(message);
  });
});
