import { describe, expect, it } from 'vitest';
import { isInputError } from '../../../src-main/engine/errors.js';
import type { ModelConfig } from '../../../src-main/engine/model/types.js';
import { checkSaeFitsModel } from '../../../src-main/engine/sae/compatibility.js';
import { sampleSaeParams } from '../../helpers/sae-files.js';

const model: ModelConfig = {
  modelType: 'gpt2',
  layerCount: 12,
  modelWidth: 64,
  headCount: 4,
  vocabSize: 50257,
  contextLength: 128,
  layerNormEpsilon: 1e-5,
  bosTokenId: 50256,
  eosTokenId: 50256,
};

function messageOf(run: () => void): string | undefined {
  try {
    run();
  } catch (error) {
    expect(isInputError(error)).toBe(true);
    return (error as Error).message;
  }
  return undefined;
}

describe('checkSaeFitsModel', () => {
  it('accepts an SAE as wide as the model on any of its layers', () => {
    for (const hook of ['blocks.0.hook_resid_pre', 'blocks.11.hook_resid_post', 'blocks.5.hook_mlp_out']) {
      expect(messageOf(() => checkSaeFitsModel({ ...sampleSaeParams({ inputSize: 64, featureCount: 2, hook }), source: '/saes/a' }, model))).toBeUndefined();
    }
  });

  it('refuses a different width, naming the SAE and both numbers', () => {
    const params = { ...sampleSaeParams({ inputSize: 768, featureCount: 2, hook: 'blocks.3.hook_resid_pre' }), source: '/saes/gpt2-small' };
    expect(messageOf(() => checkSaeFitsModel(params, model))).toBe(
      "The SAE in /saes/gpt2-small reads 768-wide activations but the model's blocks.3.hook_resid_pre is 64 wide.",
    );
  });

  it('refuses a hook beyond the last layer', () => {
    const params = { ...sampleSaeParams({ inputSize: 64, featureCount: 2, hook: 'blocks.12.hook_resid_pre' }), source: '/saes/deep' };
    expect(messageOf(() => checkSaeFitsModel(params, model))).toBe('The SAE in /saes/deep reads blocks.12.hook_resid_pre but the model has only 12 layers (0–11).');
  });
});
