import { describe, expect, it } from 'vitest';
import { isInputError } from '../../../src-main/shared/errors.js';
import type { ModelConfig } from '../../../src-main/engine/model/types.js';
import { checkSaeFitsModel } from '../../../src-main/engine/sae/compatibility.js';

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
  it('accepts an SAE as wide as the model on any of its layers, from its description alone', () => {
    for (const hook of ['blocks.0.hook_resid_pre', 'blocks.11.hook_resid_post', 'blocks.5.hook_mlp_out']) {
      expect(messageOf(() => checkSaeFitsModel({ source: '/saes/a', hook, inputSize: 64 }, model))).toBeUndefined();
    }
  });

  it('refuses a different width, naming the SAE and both numbers', () => {
    const sae = { source: '/saes/gpt2-small', hook: 'blocks.3.hook_resid_pre', inputSize: 768 };
    expect(messageOf(() => checkSaeFitsModel(sae, model))).toBe(
      "The SAE in /saes/gpt2-small reads 768-wide activations but the model's blocks.3.hook_resid_pre is 64 wide.",
    );
  });

  it('refuses a hook beyond the last layer', () => {
    const sae = { source: '/saes/deep', hook: 'blocks.12.hook_resid_pre', inputSize: 64 };
    expect(messageOf(() => checkSaeFitsModel(sae, model))).toBe('The SAE in /saes/deep reads blocks.12.hook_resid_pre but the model has only 12 layers (0–11).');
  });
});
