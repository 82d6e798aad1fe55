import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalSampler } from '../../../../src-main/engine/demo/random.js';
import { writeSafetensors } from '../../../../src-main/engine/model/safetensors.js';
import { llamaScopeAdapter } from '../../../../src-main/engine/sae/formats/llama-scope.js';
import { referenceEncoder } from '../../../../src-main/engine/sae/reference.js';
import { openSaes } from '../../../../src-main/engine/sae/registry.js';

const scratch = mkdtempSync(join(tmpdir(), 'llama-scope-'));
const D_MODEL = 4;
const D_SAE = 6;
const NORM_IN = 3.5;
const THRESHOLD = 0.4;

interface Tensors {
  encoder: Float32Array;
  encoderBias: Float32Array;
  decoder: Float32Array;
  decoderBias: Float32Array;
}

/** A Llama Scope folder as OpenMOSS released it: encoder.weight [d_sae, d_model], decoder.weight [d_model, d_sae]. */
function writeLlamaScope(folder: string, hyperparams: object, seed = 1): Tensors {
  const random = normalSampler(seed);
  const sample = (count: number) => Float32Array.from({ length: count }, () => random());
  const tensors = { encoder: sample(D_SAE * D_MODEL), encoderBias: sample(D_SAE).map((value) => value * 0.3), decoder: sample(D_MODEL * D_SAE), decoderBias: sample(D_MODEL) };
  mkdirSync(join(folder, 'checkpoints'), { recursive: true });
  writeSafetensors(join(folder, 'checkpoints', 'final.safetensors'), {
    'encoder.weight': { shape: [D_SAE, D_MODEL], data: tensors.encoder },
    'encoder.bias': { shape: [D_SAE], data: tensors.encoderBias },
    'decoder.weight': { shape: [D_MODEL, D_SAE], data: tensors.decoder },
    'decoder.bias': { shape: [D_MODEL], data: tensors.decoderBias },
  });
  const defaults = {
    hook_point_in: 'blocks.12.hook_resid_post',
    hook_point_out: 'blocks.12.hook_resid_post',
    d_model: D_MODEL,
    d_sae: D_SAE,
    act_fn: 'jumprelu',
    jump_relu_threshold: THRESHOLD,
    norm_activation: 'dataset-wise',
    dataset_average_activation_norm: { in: NORM_IN, out: NORM_IN },
    apply_decoder_bias_to_pre_encoder: false,
    top_k: 50,
  };
  writeFileSync(join(folder, 'hyperparams.json'), JSON.stringify({ ...defaults, ...hyperparams }));
  writeFileSync(join(folder, 'lm_config.json'), JSON.stringify({ model_name: 'meta-llama/Llama-3.1-8B' }));
  return tensors;
}

/** lm_saes's forward, from its hyperparameters: scale by √d / norm_in, JumpReLU, decode, scale back by norm_out / √d. */
function lmSaesForward(tensors: Tensors, x: number[]): { features: number[]; reconstruction: number[] } {
  const scale = Math.sqrt(D_MODEL) / NORM_IN;
  const features = Array.from({ length: D_SAE }, (_, i) => {
    let pre = tensors.encoderBias[i]!;
    for (let j = 0; j < D_MODEL; j++) pre += tensors.encoder[i * D_MODEL + j]! * x[j]! * scale;
    return pre > THRESHOLD ? pre : 0;
  });
  const reconstruction = Array.from({ length: D_MODEL }, (_, j) => {
    let value = tensors.decoderBias[j]!;
    for (let i = 0; i < D_SAE; i++) value += tensors.decoder[j * D_SAE + i]! * features[i]!;
    return value / scale;
  });
  return { features, reconstruction };
}

describe('Llama Scope adapter', () => {
  it('folds the dataset-wise norm so raw activations give lm_saes features and reconstructions', async () => {
    const folder = join(scratch, 'Llama3_1-8B-Base-LXR-8x', 'Llama3_1-8B-Base-L12R-8x');
    const tensors = writeLlamaScope(folder, {});
    const [params] = openSaes(join(scratch, 'Llama3_1-8B-Base-LXR-8x'));
    expect(params).toMatchObject({ format: 'llama-scope', architecture: 'jumprelu', hook: 'blocks.12.hook_resid_post', centerInput: false, subtractDecoderBias: false, modelName: 'meta-llama/Llama-3.1-8B' });
    const rows = [[1.5, -2, 0.5, 3], [-0.5, 1, 2.5, -1]];
    const encoded = await referenceEncoder(params!).encode(Float32Array.from(rows.flat()), 2);
    rows.forEach((row, index) => {
      const expected = lmSaesForward(tensors, row);
      expected.features.forEach((value, i) => expect(encoded.features[index * D_SAE + i]).toBeCloseTo(value, 4));
      expected.reconstruction.forEach((value, j) => expect(encoded.reconstruction[index * D_MODEL + j]).toBeCloseTo(value, 4));
    });
    expect(expectedActive(tensors, rows)).toBeGreaterThan(0);
  });

  it('matches a folder, its checkpoints folder or final.safetensors, and inspects without reading weights', () => {
    const folder = join(scratch, 'Llama3_1-8B-Base-L3M-8x');
    writeLlamaScope(folder, { hook_point_in: 'blocks.3.hook_mlp_out', hook_point_out: 'blocks.3.hook_mlp_out' });
    for (const path of [folder, join(folder, 'checkpoints'), join(folder, 'checkpoints', 'final.safetensors')]) expect(llamaScopeAdapter.match(path)).toBe(true);
    expect(llamaScopeAdapter.inspect(folder)).toEqual({
      format: 'llama-scope', architecture: 'jumprelu', hook: 'blocks.3.hook_mlp_out', d_in: 4, d_sae: 6, dtype: 'F32', normalize_activations: 'dataset-wise', model: 'meta-llama/Llama-3.1-8B',
    });
  });

  it.each([
    ['a transcoder', { hook_point_in: 'blocks.0.ln2.hook_normalized', hook_point_out: 'blocks.0.hook_mlp_out' }, 'Llama3_1-8B-Base-bad/hyperparams.json describes a transcoder (blocks.0.ln2.hook_normalized → blocks.0.hook_mlp_out); only SAEs can be loaded.'],
    ['an unknown activation', { act_fn: 'topk' }, "Llama3_1-8B-Base-bad/hyperparams.json has act_fn 'topk'; supported: jumprelu, relu."],
    ['missing norms', { dataset_average_activation_norm: { in: 2 } }, "Llama3_1-8B-Base-bad/hyperparams.json uses norm_activation 'dataset-wise' but dataset_average_activation_norm.out is missing."],
  ])('refuses %s with a sentence naming the file', (_, hyperparams, message) => {
    const folder = join(mkdtempSync(join(tmpdir(), 'llama-scope-bad-')), 'Llama3_1-8B-Base-bad');
    writeLlamaScope(folder, hyperparams);
    expect(() => llamaScopeAdapter.open(folder)).toThrow(message);
  });
});

function expectedActive(tensors: Tensors, rows: number[][]): number {
  return rows.flatMap((row) => lmSaesForward(tensors, row).features).filter((value) => value > 0).length;
}
