import { describe, expect, it } from 'vitest';
import { parseGpt2Config } from '../../../../../src-main/engine/model/families/gpt2/config.js';

/** GPT-2 small's config.json as published on the Hugging Face hub (architecture fields). */
const GPT2_SMALL = {
  activation_function: 'gelu_new',
  architectures: ['GPT2LMHeadModel'],
  bos_token_id: 50256,
  eos_token_id: 50256,
  layer_norm_epsilon: 1e-5,
  model_type: 'gpt2',
  n_ctx: 1024,
  n_embd: 768,
  n_head: 12,
  n_layer: 12,
  n_positions: 1024,
  vocab_size: 50257,
};

const FILE = '/models/gpt2/config.json';

describe('parseGpt2Config', () => {
  it('reads GPT-2 small into our names', () => {
    expect(parseGpt2Config(GPT2_SMALL, FILE)).toEqual({
      modelType: 'gpt2',
      layerCount: 12,
      modelWidth: 768,
      headCount: 12,
      vocabSize: 50257,
      contextLength: 1024,
      layerNormEpsilon: 1e-5,
      bosTokenId: 50256,
      eosTokenId: 50256,
    });
  });

  it('falls back to n_ctx and to the Hugging Face defaults', () => {
    const absent = { n_positions: undefined, layer_norm_epsilon: undefined, bos_token_id: undefined, activation_function: undefined };
    const config = parseGpt2Config({ ...GPT2_SMALL, ...absent, n_ctx: 256, eos_token_id: 7 }, FILE);
    expect(config.contextLength).toBe(256);
    expect(config.layerNormEpsilon).toBe(1e-5);
    expect(config.bosTokenId).toBe(50256);
    expect(config.eosTokenId).toBe(7);
  });

  it('accepts gelu_pytorch_tanh, the same tanh approximation', () => {
    expect(parseGpt2Config({ ...GPT2_SMALL, activation_function: 'gelu_pytorch_tanh' }, FILE).layerCount).toBe(12);
  });
});

const BROKEN_CONFIGS: { name: string; raw: unknown; message: string }[] = [
  { name: 'not an object', raw: [1, 2], message: 'config.json is not a JSON object.' },
  { name: 'missing n_layer', raw: { ...GPT2_SMALL, n_layer: undefined }, message: "config.json has no 'n_layer' field." },
  {
    name: 'missing context length',
    raw: { ...GPT2_SMALL, n_positions: undefined, n_ctx: undefined },
    message: "config.json has no 'n_ctx' field.",
  },
  {
    name: 'fractional width',
    raw: { ...GPT2_SMALL, n_embd: 76.8 },
    message: "config.json field 'n_embd' must be a positive whole number, not 76.8.",
  },
  { name: 'text head count', raw: { ...GPT2_SMALL, n_head: '12' }, message: `config.json field 'n_head' must be a positive whole number, not "12".` },
  {
    name: 'negative epsilon',
    raw: { ...GPT2_SMALL, layer_norm_epsilon: -1 },
    message: "config.json field 'layer_norm_epsilon' must be a positive number, not -1.",
  },
  { name: 'bad token id', raw: { ...GPT2_SMALL, bos_token_id: -3 }, message: "config.json field 'bos_token_id' must be a token id, not -3." },
  {
    name: 'end-of-text beyond the vocabulary',
    raw: { ...GPT2_SMALL, vocab_size: 100, bos_token_id: undefined },
    message: "config.json needs bos_token_id below vocab_size 100, not 50256.",
  },
  {
    name: 'unsupported activation',
    raw: { ...GPT2_SMALL, activation_function: 'relu' },
    message: `config.json field 'activation_function' must be one of gelu_new, gelu_pytorch_tanh, not "relu".`,
  },
  { name: 'heads not dividing width', raw: { ...GPT2_SMALL, n_head: 7 }, message: 'config.json has n_embd 768, which n_head 7 does not divide.' },
];

describe('broken GPT-2 configs', () => {
  it.each(BROKEN_CONFIGS)('$name', ({ raw, message }) => {
    expect(() => parseGpt2Config(raw, FILE)).toThrowError(expect.objectContaining({ name: 'InputError', message, file: FILE }));
  });
});
