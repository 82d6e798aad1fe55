import { basename } from 'node:path';
import { InputError } from '../../../../shared/errors.js';
import type { ModelConfig } from '../../types.js';

/** Both names Hugging Face uses for the tanh approximation of GELU that GPT-2 was trained with. */
const GPT2_ACTIVATIONS = ['gelu_new', 'gelu_pytorch_tanh'] as const;

const DEFAULT_END_OF_TEXT = 50256;
const DEFAULT_LAYER_NORM_EPSILON = 1e-5;

/** Reads a Hugging Face GPT-2 config.json into our names, rejecting what the GPT-2 forward cannot run. */
export function parseGpt2Config(raw: unknown, file: string): ModelConfig {
  const fields = new ConfigFields(raw, file);
  const config: ModelConfig = {
    modelType: 'gpt2',
    layerCount: fields.count('n_layer'),
    modelWidth: fields.count('n_embd'),
    headCount: fields.count('n_head'),
    vocabSize: fields.count('vocab_size'),
    contextLength: fields.count(fields.has('n_positions') ? 'n_positions' : 'n_ctx'),
    layerNormEpsilon: fields.positive('layer_norm_epsilon', DEFAULT_LAYER_NORM_EPSILON),
    bosTokenId: fields.tokenId('bos_token_id'),
    eosTokenId: fields.tokenId('eos_token_id'),
  };
  fields.checkActivation();
  fields.checkTokenIds(config.vocabSize);
  if (config.modelWidth % config.headCount !== 0) {
    throw new InputError(`${basename(file)} has n_embd ${config.modelWidth}, which n_head ${config.headCount} does not divide.`, file);
  }
  return config;
}

class ConfigFields {
  #raw: Record<string, unknown>;
  #file: string;

  constructor(raw: unknown, file: string) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new InputError(`${basename(file)} is not a JSON object.`, file);
    }
    this.#raw = raw as Record<string, unknown>;
    this.#file = file;
  }

  has(key: string): boolean {
    return this.#raw[key] !== undefined && this.#raw[key] !== null;
  }

  count(key: string): number {
    if (!this.has(key)) throw new InputError(`${basename(this.#file)} has no '${key}' field.`, this.#file);
    const value = this.#raw[key];
    if (!Number.isInteger(value) || (value as number) < 1) this.#invalid(key, 'a positive whole number');
    return value as number;
  }

  positive(key: string, fallback: number): number {
    if (!this.has(key)) return fallback;
    const value = this.#raw[key];
    if (typeof value !== 'number' || !(value > 0)) this.#invalid(key, 'a positive number');
    return value as number;
  }

  tokenId(key: string): number {
    if (!this.has(key)) return DEFAULT_END_OF_TEXT;
    const value = this.#raw[key];
    if (!Number.isInteger(value) || (value as number) < 0) this.#invalid(key, 'a token id');
    return value as number;
  }

  checkActivation(): void {
    const value = this.#raw.activation_function ?? GPT2_ACTIVATIONS[0];
    if (!GPT2_ACTIVATIONS.includes(value as (typeof GPT2_ACTIVATIONS)[number])) {
      this.#invalid('activation_function', `one of ${GPT2_ACTIVATIONS.join(', ')}`);
    }
  }

  checkTokenIds(vocabSize: number): void {
    for (const key of ['bos_token_id', 'eos_token_id']) {
      const id = this.tokenId(key);
      if (id >= vocabSize) throw new InputError(`${basename(this.#file)} needs ${key} below vocab_size ${vocabSize}, not ${id}.`, this.#file);
    }
  }

  #invalid(key: string, expected: string): never {
    const value = JSON.stringify(this.#raw[key]);
    throw new InputError(`${basename(this.#file)} field '${key}' must be ${expected}, not ${value}.`, this.#file);
  }
}
