import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSafetensors } from '../../../../src-main/engine/model/safetensors.js';
import { transpose } from '../../../../src-main/engine/sae/files.js';
import { dictionaryLearningAdapter } from '../../../../src-main/engine/sae/formats/dictionary-learning.js';
import { safetensorsBytes } from '../../model/fixtures.js';
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

function writeClassFolder(name: string, dictClass: string, tensors: Record<string, { shape: number[]; data: Float32Array }>, trainer: Record<string, unknown> = {}): string {
  const folder = join(scratch, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'config.json'), JSON.stringify({ trainer: { dict_class: dictClass, layer: 2, ...trainer } }));
  writeSafetensors(join(folder, 'ae.safetensors'), tensors);
  return folder;
}

describe('dictionary_learning classes', () => {
  const params = sampleSaeParams({ inputSize: 3, featureCount: 4, architecture: 'gated', seed: 3 });
  const { inputSize, featureCount } = params;
  const encoderLinear = { shape: [featureCount, inputSize], data: transpose(params.encoderWeights, inputSize, featureCount) };
  const decoderLinear = { shape: [inputSize, featureCount], data: transpose(params.decoderWeights, featureCount, inputSize) };

  it('reads an AutoEncoder (ReLU) with its decoder bias named bias', () => {
    const folder = writeClassFolder('relu', 'AutoEncoder', {
      'encoder.weight': encoderLinear,
      'encoder.bias': { shape: [featureCount], data: params.encoderBias },
      'decoder.weight': decoderLinear,
      bias: { shape: [inputSize], data: params.decoderBias },
    });
    const opened = dictionaryLearningAdapter.open(folder);
    expect(opened).toMatchObject({ architecture: 'standard', hook: 'blocks.2.hook_resid_post', subtractDecoderBias: true, inputSize, featureCount });
    expect([...opened.encoderWeights]).toEqual([...params.encoderWeights]);
    expect([...opened.decoderWeights]).toEqual([...params.decoderWeights]);
    expect([...opened.decoderBias]).toEqual([...params.decoderBias]);
    expect(dictionaryLearningAdapter.inspect(folder)).toMatchObject({ architecture: 'standard', d_in: 3, d_sae: 4, dtype: 'F32' });
  });

  it('reads a JumpReluAutoEncoder, which keeps W_enc as [inputs, features] and does not subtract b_dec', () => {
    const threshold = Float32Array.of(0.1, 0.2, 0.3, 0.4);
    const folder = writeClassFolder('jump', 'JumpReluAutoEncoder', {
      W_enc: { shape: [inputSize, featureCount], data: params.encoderWeights },
      b_enc: { shape: [featureCount], data: params.encoderBias },
      W_dec: { shape: [featureCount, inputSize], data: params.decoderWeights },
      b_dec: { shape: [inputSize], data: params.decoderBias },
      threshold: { shape: [featureCount], data: threshold },
    });
    const opened = dictionaryLearningAdapter.open(folder);
    expect(opened).toMatchObject({ architecture: 'jumprelu', subtractDecoderBias: false });
    expect([...opened.encoderWeights]).toEqual([...params.encoderWeights]);
    expect([...opened.threshold!]).toEqual([...threshold]);
  });

  it('reads a GatedAutoEncoder: gate_bias, mag_bias, r_mag and decoder_bias', () => {
    const vector = (data: Float32Array) => ({ shape: [featureCount], data });
    const folder = writeClassFolder('gated', 'GatedAutoEncoder', {
      'encoder.weight': encoderLinear,
      gate_bias: vector(params.gateBias!),
      mag_bias: vector(params.magnitudeBias!),
      r_mag: vector(params.magnitudeScale!),
      'decoder.weight': decoderLinear,
      decoder_bias: { shape: [inputSize], data: params.decoderBias },
    });
    const opened = dictionaryLearningAdapter.open(folder);
    expect(opened).toMatchObject({ architecture: 'gated', subtractDecoderBias: true });
    expect([...opened.gateBias!]).toEqual([...params.gateBias!]);
    expect([...opened.encoderBias]).toEqual([...params.gateBias!]);
    expect([...opened.magnitudeBias!]).toEqual([...params.magnitudeBias!]);
    expect([...opened.magnitudeScale!]).toEqual([...params.magnitudeScale!]);
  });

  it('reads the k an AutoEncoderTopK stores as an I32 buffer', () => {
    const folder = join(scratch, 'int-k');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'config.json'), JSON.stringify({ trainer: { dict_class: 'AutoEncoderTopK', layer: 1 } }));
    // Hand-made bytes: F32 encoder.weight [1, 1], encoder.bias [1], decoder.weight [1, 1], b_dec [1], then I32 k = 1.
    const header = {
      'encoder.weight': { dtype: 'F32', shape: [1, 1], data_offsets: [0, 4] },
      'encoder.bias': { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
      'decoder.weight': { dtype: 'F32', shape: [1, 1], data_offsets: [8, 12] },
      b_dec: { dtype: 'F32', shape: [1], data_offsets: [12, 16] },
      k: { dtype: 'I32', shape: [], data_offsets: [16, 20] },
    };
    const data = Buffer.concat([Buffer.from(Float32Array.of(2, 0.5, 3, 0.25).buffer), Buffer.from(Int32Array.of(1).buffer)]);
    writeFileSync(join(folder, 'ae.safetensors'), safetensorsBytes(header, data));
    expect(dictionaryLearningAdapter.open(folder)).toMatchObject({ architecture: 'topk', k: 1, inputSize: 1, featureCount: 1 });
    expect(dictionaryLearningAdapter.inspect(folder)).toMatchObject({ k: 1 });
  });
});
