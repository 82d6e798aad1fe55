import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dictionaryLearningAdapter } from '../../../../src-main/engine/sae/formats/dictionary-learning.js';
import { sampleSaeParams, writeDictionaryLearningFolder } from '../../../helpers/sae-files.js';

const scratch = mkdtempSync(join(tmpdir(), 'dictionary-'));

describe('dictionary_learning adapter', () => {
  it('reads an AutoEncoderTopK, transposing encoder and decoder', () => {
    const params = sampleSaeParams({ inputSize: 3, featureCount: 4, architecture: 'topk', k: 2 });
    const opened = dictionaryLearningAdapter.open(writeDictionaryLearningFolder(join(scratch, 'topk'), params, { submoduleName: 'resid_post_layer_5' }));
    expect([...opened.encoderWeights]).toEqual([...params.encoderWeights]);
    expect([...opened.decoderWeights]).toEqual([...params.decoderWeights]);
    expect(opened).toMatchObject({ format: 'dictionary-learning', architecture: 'topk', k: 2, hook: 'blocks.5.hook_resid_post', contextSize: 128, modelName: 'gpt2' });
  });

  it('spreads a BatchTopK scalar threshold over every feature', () => {
    const params = sampleSaeParams({ inputSize: 2, featureCount: 3, architecture: 'batchtopk' });
    params.threshold = Float32Array.of(0.75, 0.75, 0.75);
    const opened = dictionaryLearningAdapter.open(writeDictionaryLearningFolder(join(scratch, 'batch'), params, { submoduleName: 'mlp_out_layer_1' }));
    expect(opened).toMatchObject({ architecture: 'batchtopk', hook: 'blocks.1.hook_mlp_out' });
    expect([...opened.threshold!]).toEqual([0.75, 0.75, 0.75]);
  });

  it('falls back to the output of trainer.layer', () => {
    const params = sampleSaeParams({ inputSize: 2, featureCount: 2, architecture: 'topk', k: 1 });
    const folder = writeDictionaryLearningFolder(join(scratch, 'layer'), params, { layer: 9 });
    expect(dictionaryLearningAdapter.inspect(folder)).toEqual({
      format: 'dictionary-learning',
      architecture: 'topk',
      hook: 'blocks.9.hook_resid_post',
      d_in: 2,
      d_sae: 2,
      dtype: 'F32',
      k: 1,
      context_size: 128,
    });
  });
});
