import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGpt2Config } from '../../../../../src-main/engine/model/families/gpt2/config.js';
import { gpt2TensorShapes, gpt2Weights } from '../../../../../src-main/engine/model/families/gpt2/weights.js';
import type { ModelConfig } from '../../../../../src-main/engine/model/types.js';
import { openWeights } from '../../../../../src-main/engine/model/weights.js';
import { writeTinyModel } from '../../tiny-model.js';

function configOf(dir: string): ModelConfig {
  const file = join(dir, 'config.json');
  return parseGpt2Config(JSON.parse(readFileSync(file, 'utf8')), file);
}

describe('gpt2TensorShapes', () => {
  it('lists embeddings, twelve tensors per block and the final norm with Conv1D shapes', () => {
    const config = { ...configOf(writeTinyModel({ vocabSize: 50 })), layerCount: 3 };
    const shapes = gpt2TensorShapes(config);
    expect(shapes.size).toBe(2 + 3 * 12 + 2);
    expect(shapes.get('wte.weight')).toEqual([50, 16]);
    expect(shapes.get('wpe.weight')).toEqual([32, 16]);
    expect(shapes.get('h.2.attn.c_attn.weight')).toEqual([16, 48]);
    expect(shapes.get('h.2.attn.c_proj.weight')).toEqual([16, 16]);
    expect(shapes.get('h.0.mlp.c_fc.weight')).toEqual([16, 64]);
    expect(shapes.get('h.0.mlp.c_proj.weight')).toEqual([64, 16]);
    expect(shapes.get('ln_f.bias')).toEqual([16]);
  });
});

describe('gpt2Weights', () => {
  it('reads prefixed and plain checkpoints under the same canonical names', () => {
    const plainDir = writeTinyModel({ vocabSize: 64 });
    const prefixedDir = writeTinyModel({ vocabSize: 64, keyPrefix: true });
    const plain = gpt2Weights(openWeights(plainDir), configOf(plainDir));
    const prefixed = gpt2Weights(openWeights(prefixedDir), configOf(prefixedDir));
    const stored = openWeights(prefixedDir);
    expect(stored.names()).toContain('lm_head.weight');
    stored.close();
    expect(prefixed.names()).toEqual(plain.names());
    expect(prefixed.names()).not.toContain('h.0.attn.bias');
    for (const name of plain.names()) expect(prefixed.read(name)).toEqual(plain.read(name));
    plain.close();
    prefixed.close();
  });

  it('rejects a tensor whose shape disagrees with the config, naming both shapes', () => {
    const dir = writeTinyModel({ vocabSize: 64 });
    const config = { ...configOf(dir), contextLength: 64 };
    expect(() => gpt2Weights(openWeights(dir), config)).toThrowError(
      "Tensor 'wpe.weight' in model.safetensors has shape [32, 16] but the config needs [64, 16].",
    );
  });

  it('rejects a checkpoint that lacks a layer the config asks for', () => {
    const dir = writeTinyModel({ vocabSize: 64, keyPrefix: true });
    const config = { ...configOf(dir), layerCount: 3 };
    expect(() => gpt2Weights(openWeights(dir), config)).toThrowError(
      "The GPT-2 tensor 'h.2.ln_1.weight' is missing from model.safetensors.",
    );
  });
});
